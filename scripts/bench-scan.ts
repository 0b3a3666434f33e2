#!/usr/bin/env bun
/**
 * Scanner benchmark on a real /proc (root only). For each N, N idle
 * processes are started in their own PID namespace and pids cgroup
 * (scripts/lib/farm.ts, always torn down), then each method scans the
 * namespace's /proc, interleaved, `--runs` times (medians reported), in
 * wall time and in CPU time (user + system: what the ratios use, because a
 * machine shared with other work disturbs it far less than wall time):
 *
 *   C scan          bench/bin/scan: readdir + openat/read/close of stat (self-timed)
 *   pidrescue       scanProcs() in the safe mode (JIT off), self-timed, with uid
 *   pr no-uid       the same without the per-process fstat
 *   pr bun process  that whole bun process (start-up included)
 *   binary --json ps  dist/pidrescue, if its ps works
 *   ps -e, pgrep -c, bash loop (the write-up's builtin loop): whole processes
 *
 * Then the 7-digit check (a namespace with pid_max 4194304 and ns_last_pid
 * 4190000) and the synthetic 4,194,304-process scale run (bench-scale.ts).
 *
 *   bun scripts/bench-scan.ts [--n 1000,10000,30000|none] [--runs 7] [--no-7digit] [--no-scale]
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { SAFE_JSC_ENV } from "../src/system/safe-env.ts";
import { BENCH_BIN, type Farm, startFarm } from "./lib/farm.ts";

const ROOT = resolve(import.meta.dir, "..");
const BUN = process.execPath;
const argv = process.argv.slice(2);
const opt = (f: string): string | undefined => {
  const i = argv.indexOf(f);
  return i >= 0 ? argv[i + 1] : undefined;
};
const SIZES = opt("--n") === "none" ? [] : (opt("--n") ?? "1000,10000,30000").split(",").map(Number);
const RUNS = Number(opt("--runs") ?? 7);
const SAFE_ENV = { ...(process.env as Record<string, string>), ...SAFE_JSC_ENV };
const BASH_LOOP = `cd /proc; for pid in [0-9]*; do test -r $pid/exe && read pid comm state ppid pgrp session tty_nr tpgid junk < $pid/stat && read loginuid < $pid/loginuid ; printf '%5d %5d %-25s %-10s %5d %5d %5d %5d\\n' $pid $ppid $comm $loginuid $pgrp $session $tty_nr $tpgid; done > /dev/null`;

interface Sample {
  /** Seconds of wall time and of CPU time (user + system) for one run. */
  wall: number;
  cpu: number;
}

interface Method {
  name: string;
  /** "scan": the program timed its scan itself; "process": the whole process, start-up included. */
  kind: "scan" | "process";
  run(farm: Farm): Sample;
}

/** Run a command; wall time, and CPU time of it and the children it waited for. */
function timed(cmd: string[], env?: Record<string, string>): Sample & { out: string } {
  const t = performance.now();
  const r = Bun.spawnSync(cmd, { env: env ?? (process.env as Record<string, string>), stdout: "pipe", stderr: "pipe" });
  const wall = (performance.now() - t) / 1000;
  if (r.exitCode !== 0) throw new Error(`${cmd.join(" ")} exited ${r.exitCode}: ${r.stderr.toString().slice(0, 300)}`);
  return { wall, cpu: Number(r.resourceUsage.cpuTime.total) / 1e6, out: r.stdout.toString() };
}

interface ScanJson {
  ms: number[];
  cpuMs: number[];
  count: number;
  threads: number;
  check?: { rows: number; lowest: number; highest: number; readRight: number };
}

function scanOnce(farm: Farm, extra: string[]): { json: ScanJson; proc: Sample } {
  const r = timed([...farm.enter, BUN, `${ROOT}/scripts/lib/scan-once.ts`, "/proc", ...extra], SAFE_ENV);
  return { json: JSON.parse(r.out.trim()) as ScanJson, proc: r };
}

function selfTimed(j: ScanJson): Sample {
  return { wall: j.ms[0]! / 1000, cpu: j.cpuMs[0]! / 1000 };
}

const binaryWorks = (): boolean => existsSync(`${ROOT}/dist/pidrescue`) && Bun.spawnSync([`${ROOT}/dist/pidrescue`, "--json", "ps"]).exitCode === 0;

function methods(): Method[] {
  const list: Method[] = [
    {
      name: "C scan",
      kind: "scan",
      run: (f) => {
        const [, wall, cpu] = timed([...f.enter, `${BENCH_BIN}/scan`, "/proc", "1"]).out.trim().split(" ").map(Number);
        return { wall: wall!, cpu: cpu! };
      },
    },
    { name: "pidrescue", kind: "scan", run: (f) => selfTimed(scanOnce(f, []).json) },
    { name: "pr no-uid", kind: "scan", run: (f) => selfTimed(scanOnce(f, ["--no-uid"]).json) },
    { name: "pr bun process", kind: "process", run: (f) => scanOnce(f, []).proc },
  ];
  if (binaryWorks()) list.push({ name: "binary --json ps", kind: "process", run: (f) => timed([...f.enter, `${ROOT}/dist/pidrescue`, "--json", "ps"]) });
  list.push(
    { name: "ps -e", kind: "process", run: (f) => timed([...f.enter, "ps", "-e"]) },
    { name: "pgrep -c", kind: "process", run: (f) => timed([...f.enter, "pgrep", "-c", "sleeper"]) },
    { name: "bash loop", kind: "process", run: (f) => timed([...f.enter, "bash", "-c", BASH_LOOP]) },
  );
  return list;
}

const median = (a: number[]): number => {
  const s = [...a].sort((x, y) => x - y);
  return s.length % 2 === 1 ? s[s.length >> 1]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

async function benchSize(n: number): Promise<void> {
  const farm = await startFarm({ n });
  active = farm;
  try {
    const check = scanOnce(farm, []).json;
    const count = check.count;
    console.log(`\n## N = ${n} idle processes (started ${farm.started}; ${count} processes in the namespace; pidrescue ran with ${check.threads} thread)`);
    const ms = methods();
    const runs = new Map<string, Sample[]>(ms.map((m) => [m.name, []]));
    for (let r = 0; r < RUNS; r++) for (const m of ms) runs.get(m.name)!.push(m.run(farm));
    const med = (name: string, k: keyof Sample): number => median(runs.get(name)!.map((x) => x[k]));
    console.log(`| method | wall s | CPU s | CPU µs/process | throughput vs C scan (CPU) | slower than pidrescue scan (CPU) |`);
    console.log("| --- | ---: | ---: | ---: | ---: | ---: |");
    for (const m of ms) {
      const cpu = med(m.name, "cpu");
      const row = [`${m.name} (${m.kind})`, med(m.name, "wall").toFixed(4), cpu.toFixed(4), ((cpu / count) * 1e6).toFixed(2), `${(med("C scan", "cpu") / cpu).toFixed(2)}×`, `${(cpu / med("pidrescue", "cpu")).toFixed(2)}×`];
      console.log(`| ${row.join(" | ")} |`);
    }
  } finally {
    farm.stop();
    active = undefined;
  }
}

async function sevenDigits(): Promise<void> {
  const farm = await startFarm({ n: 200, pidMax: 4_194_304, lastPid: 4_190_000 });
  active = farm;
  try {
    const c = scanOnce(farm, ["--check-above", "4190000"]).json.check!;
    console.log(`\n## 7-digit PIDs: namespace pid_max 4194304, ns_last_pid 4190000, ${farm.started} sleepers`);
    console.log(`rows above 4190000: ${c.rows}, pids ${c.lowest}..${c.highest}, read right (name, ppid 1, state S, indexOf): ${c.readRight}/${c.rows}`);
  } finally {
    farm.stop();
    active = undefined;
  }
}

let active: Farm | undefined;
for (const sig of ["SIGINT", "SIGTERM"] as const) {
  process.on(sig, () => {
    active?.stop();
    process.exit(130);
  });
}

async function main(): Promise<void> {
  if (process.getuid?.() !== 0) throw new Error("bench-scan needs root (PID namespaces, pids cgroup)");
  for (const b of ["scan", "sleepers"]) if (!existsSync(`${BENCH_BIN}/${b}`)) throw new Error(`${BENCH_BIN}/${b} missing: run bun scripts/test-setup.ts`);
  console.log(`# pidrescue scan benchmark (${new Date().toISOString()}, ${RUNS} runs each, load ${spawnSync("cat", ["/proc/loadavg"], { encoding: "utf8" }).stdout.trim()})`);
  for (const n of SIZES) await benchSize(n);
  if (!argv.includes("--no-7digit")) await sevenDigits();
  if (!argv.includes("--no-scale")) {
    console.log("");
    const r = spawnSync(BUN, [`${ROOT}/scripts/bench-scale.ts`], { stdio: "inherit", env: SAFE_ENV });
    if (r.status !== 0) throw new Error("bench-scale failed");
  }
}

await main();
