#!/usr/bin/env bun
/**
 * Release figures (npm run bench-release; needs dist/release/ and dist/pidrescue):
 *  - size of every artifact and .deb;
 *  - x64-baseline artifact against the default build (dist/pidrescue): time
 *    from spawn (fork+exec) to the first line on stdout, time to exit, and
 *    peak RSS (wait4 rusage ru_maxrss, which covers both boot stages: the
 *    kernel keeps the high-water mark across execve), median of N runs,
 *    the two binaries alternating;
 *  - on an idle machine, then with 20,000 extra idle processes: a sleeper farm
 *    (bench/bin/sleepers) as PID 1 of its own PID namespace in a pids cgroup
 *    capped at 20,100, removed from outside afterwards.
 *
 *   bun scripts/bench-release.ts [--runs N] [--procs N] [--command "ps"]
 *
 * The command measured is `ps` once it is implemented; until then `doctor`
 * (the output says which). Figures, not assertions.
 */
import { spawn } from "bun";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { SandboxCgroup } from "../test/helpers/cgroup.ts";
import type { Manifest } from "./release.ts";
import { RELEASE_DIR, artifactName, targetBySuffix } from "./lib/targets.ts";

const root = resolve(import.meta.dir, "..");

interface Sample {
  firstLineMs: number;
  exitMs: number;
  maxRssKiB: number;
  code: number | null;
}

interface Options {
  runs: number;
  procs: number;
  command: string[] | null;
}

async function main(o: Options): Promise<void> {
  const dir = join(root, RELEASE_DIR);
  const manifest = JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8")) as Manifest;
  printSizes(manifest);
  const baseline = join(dir, artifactName(manifest.version, targetBySuffix("linux-x64-baseline")));
  const dflt = join(root, "dist/pidrescue");
  if (!existsSync(dflt)) throw new Error("dist/pidrescue missing: npm run build");
  const command = o.command ?? (await pickCommand(dflt));
  const bins: Array<[string, string]> = [
    ["x64-baseline", baseline],
    ["default build", dflt],
  ];
  console.log(`\ncommand: pidrescue ${command.join(" ")}; median of ${o.runs} runs (spawn -> first stdout line, -> exit; peak RSS)`);
  await measureAll(`machine as it is (${countProcs()} processes in /proc)`, bins, command, o.runs);
  if (o.procs > 0) {
    let farm: Awaited<ReturnType<typeof startFarm>>;
    try {
      farm = await startFarm(o.procs);
    } catch (e) {
      console.log(`\n${o.procs}-process run skipped: ${e instanceof Error ? e.message : String(e)}`);
      return;
    }
    try {
      await measureAll(`with ${farm.ready} extra idle processes (${countProcs()} in /proc)`, bins, command, o.runs);
    } finally {
      const r = farm.cg.remove();
      console.log(`farm removed: leftover ${r.leftover}, cgroup removed ${r.removed}`);
    }
  }
}

function printSizes(m: Manifest): void {
  console.log(`artifacts (pidrescue ${m.version}, bun ${m.bunVersion}, ${m.gitRevision}):`);
  for (const a of m.artifacts) console.log(`  ${a.file.padEnd(40)} ${mb(a.size)}  bytecode ${a.bytecode ? "yes" : "no"}`);
  for (const d of m.debs) console.log(`  ${d.file.padEnd(40)} ${mb(d.size)}`);
  for (const n of m.notes) console.log(`  note: ${n}`);
}

async function measureAll(label: string, bins: Array<[string, string]>, command: string[], runs: number): Promise<void> {
  const samples = new Map<string, Sample[]>(bins.map(([n]) => [n, []]));
  for (const [, path] of bins) await runOnce(path, command); // warm the page cache
  const loadBefore = loadavg();
  for (let i = 0; i < runs; i++) {
    for (const [name, path] of bins) samples.get(name)?.push(await runOnce(path, command));
  }
  // Other work on the machine (another session's fork bomb) skews the times: show it.
  console.log(`\n${label}: /proc/loadavg before ${loadBefore}, after ${loadavg()}`);
  for (const [name, s] of samples) {
    const codes = [...new Set(s.map((x) => x.code))].join(",");
    console.log(
      `  ${name.padEnd(14)} first line ${ms(median(s.map((x) => x.firstLineMs)))}  exit ${ms(median(s.map((x) => x.exitMs)))}  ` +
        `peak RSS ${(median(s.map((x) => x.maxRssKiB)) / 1024).toFixed(1)} MiB  (min-max first line ${ms(Math.min(...s.map((x) => x.firstLineMs)))}-${ms(Math.max(...s.map((x) => x.firstLineMs)))}, exit code ${codes})`,
    );
  }
}

async function runOnce(path: string, command: string[]): Promise<Sample> {
  const t0 = performance.now();
  const p = spawn([path, ...command], { stdout: "pipe", stderr: "ignore", env: { ...process.env, NO_COLOR: "1" } });
  let firstLineMs = Number.NaN;
  const reader = p.stdout.getReader();
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    if (Number.isNaN(firstLineMs) && value.includes(10)) firstLineMs = performance.now() - t0;
  }
  const code = await p.exited;
  const exitMs = performance.now() - t0;
  const maxRss = p.resourceUsage()?.maxRSS ?? 0;
  return { firstLineMs, exitMs, maxRssKiB: maxRss / 1024, code };
}

/** `ps` when it works, else `doctor`. */
async function pickCommand(bin: string): Promise<string[]> {
  const p = spawn([bin, "ps"], { stdout: "ignore", stderr: "pipe" });
  const err = await new Response(p.stderr).text();
  if ((await p.exited) === 0) return ["ps"];
  console.log(`\nps does not work yet (${err.trim().split("\n")[0]}); measuring doctor instead`);
  return ["doctor"];
}

/** N idle processes as PID 1 + children of a fresh PID namespace, in a pids cgroup capped at N+100. */
async function startFarm(n: number): Promise<{ cg: SandboxCgroup; ready: number }> {
  const sleepers = join(root, "bench/bin/sleepers");
  if (!existsSync(sleepers)) throw new Error("bench/bin/sleepers missing: run bun scripts/test-setup.ts");
  // The cgroup caps the farm, but the host's pid_max is shared with everything
  // else (another farm, this Bun's own threads): leave a wide margin free.
  const free = hostPidHeadroom();
  if (free < n + 4096) throw new Error(`only ${free} PIDs free below the host's pid_max; a ${n}-process farm needs ${n + 4096} (is another farm running?)`);
  const cg = SandboxCgroup.create(n + 100);
  try {
    const started = performance.now();
    const p = spawn(
      ["/bin/sh", "-c", 'echo $$ > "$0" && exec unshare --pid --fork --mount-proc "$@"', cg.procsFile("init"), sleepers, String(n), "600", "sleeper"],
      { stdout: "pipe", stderr: "inherit" },
    );
    const line = await firstLine(p.stdout, 120_000);
    const ready = Number(/^ready (\d+)/.exec(line)?.[1] ?? "0");
    console.log(`\nfarm: ${ready} sleepers ready in ${ms(performance.now() - started)} (pids cgroup ${cg.path}, pids.current ${cg.current()})`);
    if (ready < n) throw new Error(`farm got only ${ready} of ${n} processes`);
    return { cg, ready };
  } catch (e) {
    cg.remove();
    throw e;
  }
}

async function firstLine(stream: ReadableStream<Uint8Array>, timeoutMs: number): Promise<string> {
  const reader = stream.getReader();
  let text = "";
  const end = Date.now() + timeoutMs;
  while (!text.includes("\n")) {
    if (Date.now() > end) throw new Error("farm did not report ready in time");
    const { value, done } = await reader.read();
    if (done) break;
    text += new TextDecoder().decode(value);
  }
  reader.releaseLock();
  return text.split("\n")[0] ?? "";
}

/** 1-minute load and runnable/total tasks, e.g. "0.52 2/110". */
function loadavg(): string {
  const f = readFileSync("/proc/loadavg", "utf8").split(" ");
  return `${f[0]} ${f[3]}`;
}

/** pid_max minus every task (threads count) on the host, from /proc/loadavg. */
function hostPidHeadroom(): number {
  const pidMax = Number(readFileSync("/proc/sys/kernel/pid_max", "utf8"));
  const tasks = Number(readFileSync("/proc/loadavg", "utf8").split(" ")[3]?.split("/")[1]);
  return pidMax - tasks;
}

function countProcs(): number {
  let n = 0;
  for (const name of readdirSync("/proc")) if (/^\d+$/.test(name)) n++;
  return n;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? (s[mid] ?? 0) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
}

function ms(x: number): string {
  return `${x.toFixed(1)} ms`;
}

function mb(bytes: number): string {
  return `${(bytes / 1e6).toFixed(1).padStart(6)} MB (${(bytes / 1048576).toFixed(1)} MiB)`;
}

function parseArgs(argv: string[]): Options {
  const o: Options = { runs: 7, procs: 20_000, command: null };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--runs") o.runs = Math.max(5, Number(argv[++i]));
    else if (a === "--procs") o.procs = Number(argv[++i]);
    else if (a === "--command") o.command = (argv[++i] ?? "").split(" ").filter((w) => w !== "");
    else throw new Error(`unknown argument ${a}`);
  }
  return o;
}

if (import.meta.main) {
  await main(parseArgs(process.argv.slice(2)));
}
