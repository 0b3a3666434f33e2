#!/usr/bin/env bun
/**
 * Views benchmark: the `ps` summary (group-by, details of the shown groups,
 * the text), the tree forest and `limits`' collection, as the binary runs
 * them (JIT off: this script re-runs itself with the safe-mode variables).
 *
 *   bun scripts/bench-views.ts [--n 4194304] [--runs 5] [--shape bomb|names|setsid|all] [--farm 10000] [--no-live]
 *
 *  - synthetic: tables of --n rows filled column by column (no parsing: the
 *    parser is bench-scale.ts's subject), three shapes: "bomb" (one name
 *    holds all but 300 rows), "names" (65,536 distinct names, the random-name
 *    bomb), "setsid" (one bomb name, every row its own session and group:
 *    the worst case for the distinct counts);
 *  - live: this machine's /proc as it is, and with --farm N idle processes
 *    started in a capped sandbox (scripts/lib/farm.ts) and torn down after.
 * Prints medians of --runs runs (CPU time; wall in brackets), and peak RSS.
 */
import { spawnSync } from "node:child_process";
import { LazyReader } from "../src/proc/lazy.ts";
import { scanProcs } from "../src/proc/scanner.ts";
import { PF_KTHREAD } from "../src/proc/stat.ts";
import { ProcTable } from "../src/proc/table.ts";
import { collectLimits, tasksByName } from "../src/limits/collect.ts";
import type { ViewEnv } from "../src/views/env.ts";
import { buildForest } from "../src/views/forest.ts";
import { type GroupBy, groupKeys } from "../src/views/group-keys.ts";
import { summarize } from "../src/views/summary.ts";
import { fitGroups, summaryLines } from "../src/views/summary-text.ts";
import { readText } from "../src/proc/reader.ts";
import { startFarm } from "./lib/farm.ts";
import { peakRssMb, readThreadCount } from "./lib/self-threads.ts";

const SAFE = { BUN_JSC_useJIT: "0", BUN_JSC_useConcurrentGC: "0", BUN_JSC_numberOfGCMarkers: "1" };
if (process.env.BUN_JSC_useJIT !== "0") {
  const r = spawnSync(process.execPath, [import.meta.path, ...process.argv.slice(2)], { stdio: "inherit", env: { ...process.env, ...SAFE } });
  process.exit(r.status ?? 1);
}

const argv = process.argv.slice(2);
const opt = (f: string): string | undefined => {
  const i = argv.indexOf(f);
  return i >= 0 ? argv[i + 1] : undefined;
};
const N = Number(opt("--n") ?? 4_194_304);
const RUNS = Number(opt("--runs") ?? 5);
const FARM = Number(opt("--farm") ?? 10_000);
const LIVE = !argv.includes("--no-live");
const SHAPES = (opt("--shape") ?? "all") === "all" ? (["bomb", "names", "setsid"] as const) : ([opt("--shape")] as Array<"bomb" | "names" | "setsid">);

interface Lap {
  wall: number;
  cpu: number;
}

function time<T>(fn: () => T): { value: T; lap: Lap } {
  const c = process.cpuUsage();
  const t = performance.now();
  const value = fn();
  const wall = performance.now() - t;
  const d = process.cpuUsage(c);
  return { value, lap: { wall, cpu: (d.user + d.system) / 1000 } };
}

function median(laps: Lap[]): Lap {
  const m = (xs: number[]): number => xs.sort((a, b) => a - b)[xs.length >> 1]!;
  return { wall: m(laps.map((l) => l.wall)), cpu: m(laps.map((l) => l.cpu)) };
}

const ms = (l: Lap): string => `${l.cpu.toFixed(0)} ms CPU (${l.wall.toFixed(0)} ms wall)`;

function repeat(fn: () => unknown): Lap {
  const laps: Lap[] = [];
  for (let k = 0; k < RUNS; k++) laps.push(time(fn).lap);
  return median(laps);
}

const env: ViewEnv = { lazy: new LazyReader("/nonexistent"), bootTime: Math.floor(Date.now() / 1000) - 86_400, nowMs: Date.now(), userName: (u) => (u === 0 ? "root" : String(u)) };

/** A table of n rows written column by column. */
function synthetic(n: number, shape: "bomb" | "names" | "setsid"): ProcTable {
  const t = new ProcTable(n);
  const SYSTEM = 300;
  const ids: number[] = [];
  const names = shape === "names" ? 65_536 : 1;
  for (let k = 0; k < names; k++) {
    const b = Buffer.from(shape === "names" ? `r${k.toString(36)}` : "rogue.sh");
    ids.push(t.names.intern(b, 0, b.length));
  }
  const sys: number[] = [];
  for (const s of ["systemd", "kthreadd", "kworker/0:1", "sshd", "bash", "cron"]) sys.push(t.names.intern(Buffer.from(s), 0, s.length));
  for (let i = 0; i < n; i++) {
    const pid = i + 1;
    t.pid[i] = pid;
    if (pid <= SYSTEM) {
      t.nameId[i] = sys[pid % sys.length]!;
      t.ppid[i] = 1;
      t.pgrp[i] = pid;
      t.sid[i] = pid;
      t.flags[i] = pid % sys.length === 1 || pid % sys.length === 2 ? PF_KTHREAD : 0x400100;
      t.uid[i] = 0;
      t.state[i] = 83;
      t.threads[i] = 1 + (pid % 3);
      t.starttime[i] = 100 + pid;
      continue;
    }
    t.nameId[i] = shape === "names" ? ids[(pid * 2654435761) % names >>> 0]! : ids[0]!;
    t.ppid[i] = shape === "setsid" ? pid - 1 : SYSTEM + 1;
    t.pgrp[i] = shape === "setsid" ? pid : SYSTEM + 1;
    t.sid[i] = shape === "setsid" ? pid : 250;
    t.flags[i] = 0x400100;
    t.uid[i] = 1001;
    t.state[i] = pid % 97 === 0 ? 82 : 83;
    t.threads[i] = 1;
    t.starttime[i] = 500_000 + (pid >> 5);
  }
  t.count = n;
  return t;
}

function summaryOnce(t: ProcTable, by: GroupBy, detail: number | ((n: number) => number)): string[] {
  const s = summarize(t, { keys: groupKeys(t, by, { userName: env.userName, lazy: env.lazy }), detail });
  return summaryLines(s, t, env, { pidMax: 4_194_304, width: 100 });
}

function benchTable(label: string, t: ProcTable): void {
  const fit = (n: number): number => fitGroups(24, n);
  console.log(`### ${label}: ${t.count.toLocaleString("en")} rows, ${t.names.size.toLocaleString("en")} names`);
  console.log(`- ps summary (by name, 24-line screen): ${ms(repeat(() => summaryOnce(t, "name", fit)))}`);
  console.log(`- ps summary, every group detailed (--json without --limit): ${ms(repeat(() => summaryOnce(t, "name", 0)))}`);
  console.log(`- ps --by pgrp: ${ms(repeat(() => summaryOnce(t, "pgrp", fit)))}`);
  console.log(`- tree: parent/children forest: ${ms(repeat(() => buildForest(t)))}`);
  console.log(
    `- limits, the in-memory part (top groups, their samples, tasks by name of the bomb's uid): ${ms(
      repeat(() => {
        collectLimits(t, { procRoot: "/nonexistent", lazy: env.lazy, userName: env.userName });
        return tasksByName(t, 1001);
      }),
    )}`,
  );
  console.log(`  first lines: ${summaryOnce(t, "name", fit).slice(0, 3).join(" | ")}`);
}

console.log(`## Views (JIT ${process.env.BUN_JSC_useJIT === "0" ? "off, as the binary runs" : "on"}), median of ${RUNS} runs`);
for (const shape of SHAPES) {
  const built = time(() => synthetic(N, shape));
  console.log(`(built the ${shape} table in ${ms(built.lap)})`);
  benchTable(`synthetic ${shape}`, built.value);
}

function benchLive(label: string): void {
  const scan = time(() => scanProcs({ procRoot: "/proc" }));
  const t = scan.value;
  const scans = [scan.lap];
  for (let k = 1; k < RUNS; k++) scans.push(time(() => scanProcs({ procRoot: "/proc" })).lap);
  console.log(`### live /proc${label}: ${t.count.toLocaleString("en")} processes`);
  console.log(`- scan: ${ms(median(scans))}`);
  const liveEnv = { ...env, lazy: new LazyReader("/proc") };
  const fit = (n: number): number => fitGroups(24, n);
  console.log(
    `- ps summary after the scan (incl. one cgroup read per shown group): ${ms(
      repeat(() => {
        const s = summarize(t, { keys: groupKeys(t, "name", { userName: liveEnv.userName, lazy: liveEnv.lazy }), detail: fit });
        liveEnv.lazy.clear();
        return summaryLines(s, t, liveEnv, { pidMax: 4_194_304, width: 100 });
      }),
    )}`,
  );
  console.log(`- limits after the scan (cgroup and limits files of the top groups): ${ms(repeat(() => collectLimits(t, { procRoot: "/proc", lazy: new LazyReader("/proc"), userName: env.userName })))}`);
  const bin = `${import.meta.dir}/../dist/pidrescue`;
  const walls: number[] = [];
  for (let k = 0; k < RUNS; k++) {
    const t0 = performance.now();
    spawnSync(bin, ["ps"], { stdio: "ignore" });
    walls.push(performance.now() - t0);
  }
  console.log(`- dist/pidrescue ps, exec to exit: ${walls.sort((a, b) => a - b)[walls.length >> 1]!.toFixed(0)} ms wall`);
}

if (LIVE) {
  benchLive("");
  if (FARM > 0) {
    const pidMax = Number(readText("/proc/sys/kernel/pid_max")?.trim());
    const tasks = Number(readText("/proc/loadavg")?.split(" ")[3]?.split("/")[1]);
    if (pidMax - tasks < FARM + 5000) {
      console.log(`(no farm: ${pidMax - tasks} free PIDs on the host is too few for ${FARM} + 5,000 spare)`);
    } else {
      const farm = await startFarm({ n: FARM, name: "sleeper", timeoutS: 300 });
      try {
        benchLive(` with a farm of ${farm.started.toLocaleString("en")} sleepers`);
      } finally {
        farm.stop();
      }
    }
  }
}
console.log(`peak RSS ${peakRssMb().toFixed(0)} MB, ${readThreadCount()} thread(s)`);
