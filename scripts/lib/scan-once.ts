#!/usr/bin/env bun
/**
 * One timed pidrescue scan, for scripts/bench-scan.ts (run with the safe
 * JSC environment, as the binary runs, inside the benchmark's namespace).
 *
 *   bun scripts/lib/scan-once.ts PROCROOT [--passes N] [--no-uid] [--check-above PID]
 *
 * Prints one JSON line: {count, ms: [wall per pass], cpuMs: [user+system per
 * pass], names, threads, check?}.
 * --check-above: also report rows with pid > PID (7-digit test): how many,
 * their lowest/highest pid, and whether name, ppid and state read right.
 */
import { scanProcs } from "../../src/proc/scanner.ts";
import type { ProcTable } from "../../src/proc/table.ts";
import { readThreadCount } from "./self-threads.ts";

const argv = process.argv.slice(2);
const root = argv[0] ?? "/proc";
const opt = (flag: string): string | undefined => {
  const i = argv.indexOf(flag);
  return i >= 0 ? argv[i + 1] : undefined;
};
const passes = Number(opt("--passes") ?? 1);
const above = opt("--check-above");
const ms: number[] = [];
const cpuMs: number[] = [];
let t: ProcTable | undefined;
for (let i = 0; i < passes; i++) {
  const c0 = process.cpuUsage();
  t = scanProcs({ procRoot: root, uid: !argv.includes("--no-uid") });
  const c = process.cpuUsage(c0);
  cpuMs.push((c.user + c.system) / 1000);
  ms.push(t.info?.elapsedMs ?? Number.NaN);
}
if (t === undefined) throw new Error("--passes must be at least 1");
const result: Record<string, unknown> = { count: t.count, ms, cpuMs, names: t.names.size, threads: readThreadCount() };
if (above !== undefined) {
  const limit = Number(above);
  let n = 0;
  let lo = Number.POSITIVE_INFINITY;
  let hi = 0;
  let ok = 0;
  for (let i = 0; i < t.count; i++) {
    const pid = t.pid[i]!;
    if (pid <= limit || pid === process.pid) continue;
    n++;
    lo = Math.min(lo, pid);
    hi = Math.max(hi, pid);
    if (t.name(i) === "sleeper" && t.ppid[i] === 1 && t.stateChar(i) === "S" && t.indexOf(pid) === i) ok++;
  }
  result.check = { above: limit, rows: n, lowest: lo, highest: hi, readRight: ok };
}
console.log(JSON.stringify(result));
