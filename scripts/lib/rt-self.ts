/**
 * Run a benchmark harness at real-time priority, so that a spinning bomb
 * does not delay its own timestamps: re-exec the script through
 * `chrt --fifo --reset-on-fork PRIO` (no fork: process.execve). Reset-on-fork
 * keeps everything the harness starts (the sandbox, the bomb, the starved
 * shell, flock) at SCHED_OTHER, and with it the runtime's own helper threads:
 * the harness runs with the GC kept on its main thread (one marker, no
 * concurrent GC), so it never waits for a starved helper thread.
 * The harness must never spin: it sleeps between polls.
 */
import { readFileSync } from "node:fs";

const CHRT = "/usr/bin/chrt";

/** SCHED_* policy of this process (stat field 41), 0 when unknown. */
export function ownPolicy(): number {
  const s = readFileSync("/proc/self/stat", "latin1");
  const f = s.slice(s.lastIndexOf(")") + 2).split(" ");
  return Number(f[41 - 3] ?? 0);
}

/**
 * Re-exec through chrt -f -R `prio` unless already real-time; returns (the
 * policy in effect, in words) only when it does not re-exec. If chrt is
 * refused it exits non-zero with its own message: run with --no-rt then.
 */
export function becomeRealtime(prio: number): string {
  const p = ownPolicy();
  if (p === 1 || p === 2) return `SCHED_${p === 1 ? "FIFO" : "RR"} (inherited)`;
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined) env[k] = v;
  env.BUN_JSC_useConcurrentGC = "0";
  env.BUN_JSC_numberOfGCMarkers = "1";
  const script = process.argv[1] ?? "";
  if (typeof process.execve !== "function") return "SCHED_OTHER (this runtime has no process.execve)";
  process.execve(CHRT, ["chrt", "--fifo", "--reset-on-fork", String(prio), process.execPath, script, ...process.argv.slice(2)], env);
  return "execve returned";
}
