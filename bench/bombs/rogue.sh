#!/bin/bash
# rogue.sh: the runaway script of the original write-up. Every copy starts
# copies of itself in a loop and never exits: a non-interactive bash exits
# when a fork fails for good (after ~15 s of "fork: retry"), so the EXIT trap
# re-execs the copy in place (same PID, no new slot) and it starts over.
# Once the table is full it stays exactly full: no copy ever frees its slot.
# Refuses to run outside the pidrescue sandbox (guard.bash).
source "${BASH_SOURCE[0]%/*}/guard.bash" || exit 2
pidrescue_bomb_guard rogue.sh
trap '(( EPOCHSECONDS < PIDRESCUE_BOMB_DEADLINE )) && exec "$0"' EXIT
while (( EPOCHSECONDS < PIDRESCUE_BOMB_DEADLINE )); do
  "$0" &
done
