/**
 * The baseline: the bash-builtin method of the original write-up
 * (../shared/notes/original-write-up.txt), run the way its reader would, in
 * the starved shell: 5 STOP sweeps over /proc matching the name, then one
 * KILL sweep. Only builtins (for, read, test, kill, printf): it forks
 * nothing. Two changes, both needed to run it unattended: it skips its own
 * PID (the write-up tells the reader not to stop their own shell, and the
 * function bomb's processes are named bash too), and it prints
 * $EPOCHREALTIME after each sweep so the benchmark can time it.
 *
 * It cannot express "random names" (it matches one name).
 */

/** bash -c script; $1 is the process name to match. Prints "start T", "sweep1 T" ... "sweep5 T", "killed T". */
export const BASH_METHOD = `
cd /proc || exit 1
want="($1)"
t0=$EPOCHREALTIME
for x in 1 2 3 4 5; do
  for pid in [0-9]*; do
    test -r $pid/exe &&
    read pid name state ppid junk < $pid/stat &&
    [ "$name" = "$want" ] && [ "$pid" != $$ ] &&
    kill -STOP $pid
  done 2>/dev/null
  printf -v "t$x" '%s' "$EPOCHREALTIME"
done
for pid in [0-9]*; do
  test -r $pid/exe &&
  read pid name state ppid junk < $pid/stat &&
  [ "$name" = "$want" ] && [ "$pid" != $$ ] &&
  kill -KILL $pid
done 2>/dev/null
t6=$EPOCHREALTIME
printf '%s\\n' "start $t0" "sweep1 $t1" "sweep2 $t2" "sweep3 $t3" "sweep4 $t4" "sweep5 $t5" "killed $t6"
`;

/** argv for the starved shell to exec. */
export function bashMethodCommand(name: string): string[] {
  return ["/bin/bash", "--norc", "--noprofile", "-c", BASH_METHOD, "bash-method", name];
}

export interface BashMethodTimes {
  /** Epoch ms. */
  start: number;
  sweeps: number[];
  killed: number;
}

/** Parse its stdout; undefined when it did not finish. */
export function parseBashMethod(stdout: string): BashMethodTimes | undefined {
  const t = new Map<string, number>();
  for (const line of stdout.split("\n")) {
    const [k, v] = line.split(" ");
    if (k !== undefined && v !== undefined && v !== "") t.set(k, Number(v.replace(",", ".")) * 1000);
  }
  const start = t.get("start");
  const killed = t.get("killed");
  if (start === undefined || killed === undefined) return undefined;
  return { start, sweeps: [1, 2, 3, 4, 5].map((i) => t.get(`sweep${i}`) ?? Number.NaN), killed };
}
