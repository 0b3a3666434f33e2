/**
 * The freeze/kill engine on real processes and real signals, from the
 * compiled binary, inside a PID namespace of the test's own (no bomb here:
 * the bomb tests use the starvation sandbox). Every process signalled is one
 * the script started; pidrescue cannot see anything else.
 */
import { describe, expect, test } from "bun:test";
import { BINARY } from "../helpers/paths.ts";
import { keyed, runInPidns } from "../helpers/pidns.ts";

const PRELUDE = `
set -u
T=$(mktemp -d /tmp/pidrescue-engine.XXXXXX)
trap 'rm -rf "$T"' EXIT
cd "$T"
for n in rogue-a rogue-g other-b; do cp /bin/sleep "$n"; done
state() { local s; read -r s < /proc/$1/stat 2>/dev/null || { echo gone; return; }; s=\${s##*) }; echo \${s%% *}; }
states() { local out=; for p in "$@"; do out="$out$(state $p)"; done; echo "$out"; }
BIN=${BINARY}
`;

function run(body: string, timeoutS = 60) {
  const r = runInPidns(PRELUDE + body, timeoutS);
  if (r.code !== 0) console.error(r.stdout, r.stderr);
  return { ...r, k: keyed(r.stdout) };
}

describe("engine in a PID namespace", () => {
  test("--dry-run sends nothing; rescue kills all with one journal line per signal", () => {
    const r = run(`
for i in 1 2 3 4 5; do ./rogue-a 300 & done
A=$(jobs -p | tr '\\n' ' ')
sleep 0.3
$BIN rescue 'name=rogue-a' --dry-run > dry.txt; echo "dryrc $?"
echo "drystates $(states $A)"
$BIN rescue 'name=rogue-a' --yes --json --journal "$T/j.log" > res.json; echo "rc $?"
echo "json $(cat res.json)"
echo "after $(states $A)"
echo "stop_lines $(grep -c $'\\tsig=STOP\\t' j.log)"
echo "kill_lines $(grep -c $'\\tsig=KILL\\t' j.log)"
echo "unfinished $(grep -c 'result=$' j.log)"
`);
    expect(r.k.get("dryrc")).toBe("0");
    expect(r.k.get("drystates")).toBe("SSSSS");
    expect(r.k.get("rc")).toBe("0");
    const j = JSON.parse(r.k.get("json") ?? "{}");
    expect(j.command).toBe("rescue");
    expect(j.killed).toBe(5);
    expect(j.survivors).toBe(0);
    expect(r.k.get("after")).toBe("gonegonegonegonegone");
    // per-PID strategy here (the five share bash's group, which holds bash too)
    const signals = j.cycles.reduce((a: number, c: { freeze: { signals: number } }) => a + c.freeze.signals, 0);
    expect(Number(r.k.get("stop_lines"))).toBe(signals);
    expect(Number(r.k.get("kill_lines"))).toBe(5);
    expect(r.k.get("unfinished")).toBe("0");
  });

  test("a process group made only of matches is stopped and killed with one signal each", () => {
    const r = run(`
setsid sh -c './rogue-g 300 & ./rogue-g 300 & exec ./rogue-g 300' &
sleep 0.3
G=$(for d in /proc/[0-9]*; do read -r s < $d/stat; case "$s" in *"(rogue-g)"*) echo -n "\${d#/proc/} ";; esac; done)
$BIN freeze 'name=rogue-g' --json --journal "$T/j.log" > f.json; echo "frc $?"
echo "fjson $(cat f.json)"
echo "frozen $(states $G)"
$BIN kill 'name=rogue-g' --yes --json --journal "$T/j.log" > k.json; echo "krc $?"
sleep 0.2
echo "after $(states $G)"
echo "pgrp_stop $(grep $'\\tsig=STOP\\t' j.log | grep -c 'strategy=pgrp')"
echo "pgrp_kill $(grep $'\\tsig=KILL\\t' j.log | grep -c 'strategy=pgrp')"
echo "pid_kill $(grep $'\\tsig=KILL\\t' j.log | grep -c 'strategy=pid')"
`);
    expect(r.k.get("frc")).toBe("0");
    const f = JSON.parse(r.k.get("fjson") ?? "{}");
    expect(f.plan.strategies.processGroups).toHaveLength(1);
    expect(f.plan.strategies.processGroups[0].processes).toBe(3);
    expect(r.k.get("frozen")).toBe("TTT");
    expect(r.k.get("krc")).toBe("0");
    expect(r.k.get("after")).toBe("gonegonegone");
    expect(r.k.get("pgrp_stop")).toBe("1");
    expect(r.k.get("pgrp_kill")).toBe("1");
    expect(r.k.get("pid_kill")).toBe("0");
  });

  test("selecting by session leaves a same-name bystander in another session alone", () => {
    const r = run(`
setsid ./rogue-a 300 & 
setsid ./rogue-a 300 &
sleep 0.3
set -- $(for d in /proc/[0-9]*; do read -r s < $d/stat; case "$s" in *"(rogue-a)"*) echo -n "\${d#/proc/} ";; esac; done)
S1=$1; S2=$2
read -r s < /proc/$S1/stat; s=\${s##*) }; set -- $s; SID1=$4
$BIN rescue "name=rogue-a and sid=$SID1" --yes --journal "$T/j.log" > out.txt; echo "rc $?"
echo "target $(state $S1)"
echo "bystander $(state $S2)"
echo "touched $(grep -c "pid=$S2"$'\\t' j.log)"
`);
    expect(r.k.get("rc")).toBe("0");
    expect(r.k.get("target")).toBe("gone");
    expect(r.k.get("bystander")).toBe("S");
    expect(r.k.get("touched")).toBe("0");
  });

  test("PID-reuse guard: a PID that changed hands between match and STOP gets SIGCONT at once", () => {
    const r = run(`
./rogue-a 300 & V=$!
sleep 0.2
PIDRESCUE_TEST_PAUSE_FILE="$T/go" $BIN freeze 'name=rogue-a' --json --journal "$T/j.log" > f.json &
FP=$!
for i in $(seq 1 600); do [ -e "$T/go.waiting" ] && break; sleep 0.05; done
kill -KILL $V; wait $V 2>/dev/null
echo $((V - 1)) > /proc/sys/kernel/ns_last_pid
./other-b 300 & W=$!
echo "pids $V $W"
touch "$T/go"
wait $FP; echo "frc $?"
echo "fjson $(cat f.json)"
sleep 0.1
echo "wstate $(state $W)"
echo "undo $(grep -c 'strategy=undo' j.log)"
echo "nearmiss $(grep -c 'result=near-miss' j.log)"
`);
    const [v, w] = (r.k.get("pids") ?? "").split(" ");
    expect(v).toBe(w); // the test really made the PID change hands
    const f = JSON.parse(r.k.get("fjson") ?? "{}");
    expect(f.freeze.nearMisses).toHaveLength(1);
    expect(f.freeze.nearMisses[0].newComm).toBe("other-b");
    expect(r.k.get("wstate")).toBe("S"); // running again, not left stopped
    expect(r.k.get("undo")).toBe("1");
    expect(r.k.get("nearmiss")).toBe("1");
  }, 90_000);

  test("freeze then thaw restores the processes; kill refuses running matches", () => {
    const r = run(`
for i in 1 2 3; do ./rogue-a 300 & done
A=$(jobs -p | tr '\\n' ' ')
sleep 0.3
$BIN kill 'name=rogue-a' --yes --journal "$T/j.log" 2> k.err; echo "killrc $?"
echo "running $(states $A)"
$BIN freeze 'name=rogue-a' --journal "$T/j.log" > /dev/null; echo "frc $?"
echo "frozen $(states $A)"
$BIN thaw 'name=rogue-a' --journal "$T/j.log" > /dev/null; echo "trc $?"
sleep 0.1
echo "thawed $(states $A)"
`);
    expect(r.k.get("killrc")).toBe("1");
    expect(r.k.get("running")).toBe("SSS");
    expect(r.k.get("frc")).toBe("0");
    expect(r.k.get("frozen")).toBe("TTT");
    expect(r.k.get("trc")).toBe("0");
    expect(r.k.get("thawed")).toBe("SSS");
  });

  const bad: Array<[string, string]> = [
    ["dangling and", "name=rogue-a and"],
    ["misspelt key", "nmae=rogue-a"],
    ["empty", ""],
    ["unclosed paren", "(name=rogue-a or name=other-b"],
    ["bad regex", "name~(rogue"],
    ["bad duration", "age<5q"],
  ];
  test.each(bad)("bad selector (%s) sends nothing and exits 2", (_name, sel) => {
    const r = run(`
for i in 1 2; do ./rogue-a 300 & done
A=$(jobs -p | tr '\\n' ' ')
sleep 0.2
for cmd in freeze kill rescue thaw; do
  $BIN $cmd '${sel.replaceAll("'", "'\\''")}' --yes --journal "$T/j.log" > out.txt 2> err.txt; echo "rc_$cmd $?"
  echo "errlines_$cmd $(wc -l < err.txt)"
done
echo "states $(states $A)"
echo "journal $( [ -e j.log ] && grep -c 'sig=' j.log || echo 0)"
`);
    for (const cmd of ["freeze", "kill", "rescue", "thaw"]) {
      expect(r.k.get(`rc_${cmd}`)).toBe("2");
      expect(Number(r.k.get(`errlines_${cmd}`))).toBeLessThanOrEqual(2); // message + usage hint
    }
    expect(r.k.get("states")).toBe("SS");
    expect(r.k.get("journal")).toBe("0");
  });
});
