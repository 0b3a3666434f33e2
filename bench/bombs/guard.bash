# Sourced by the shell bombs (bash builtins only: it must work with zero free
# process slots). Refuse to run unless PIDRESCUE_SANDBOX=1 is set and PID 1 of
# this PID namespace is the sandbox init: inside the sandbox /proc is the
# namespace's own procfs, where PID 1 is bench/bin/sbinit, which itself runs
# only as PID 1 of a namespace other than the host's. On the host, PID 1 is
# the real init and the bomb refuses. Also sets the bomb's self-destruct time.
pidrescue_bomb_guard() {
  local name=$1 pid1=""
  if [ "${PIDRESCUE_SANDBOX-}" != 1 ]; then
    echo "$name: refusing to run: PIDRESCUE_SANDBOX=1 is not set (only the pidrescue test sandbox runs this)" >&2
    exit 2
  fi
  read -r pid1 < /proc/1/comm || pid1=""
  if [ "$pid1" != sbinit ]; then
    echo "$name: refusing to run: PID 1 is '$pid1', not the sandbox init (this is not a sandbox)" >&2
    exit 2
  fi
  # Every copy stops once this moment has passed (inherited by all copies).
  : "${PIDRESCUE_BOMB_DEADLINE:=$(( EPOCHSECONDS + ${PIDRESCUE_BOMB_SECONDS:-300} ))}"
  export PIDRESCUE_BOMB_DEADLINE
}
