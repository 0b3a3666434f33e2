#!/bin/bash
# funcbomb.sh: the classic bash function bomb  :(){ :|:& };:
# (with a self-destruct time). Unlike rogue.sh it churns: every call starts
# two more and returns, so processes exit and slots are freed and retaken
# all the time. Refuses to run outside the pidrescue sandbox (guard.bash).
source "${BASH_SOURCE[0]%/*}/guard.bash" || exit 2
pidrescue_bomb_guard funcbomb.sh
:() { (( EPOCHSECONDS < PIDRESCUE_BOMB_DEADLINE )) && { :|:& }; }
:
