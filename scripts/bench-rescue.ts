#!/usr/bin/env bun
/**
 * Issue 7's benchmark: time to quiescence (no unstopped match) and to
 * recovery (all killed, slots free) of `exec pidrescue rescue SELECTOR` from
 * a starved shell in the sandbox, for each pid_max and bomb variant, on two
 * clocks: from the exec (the shell's $EPOCHREALTIME right before `exec`)
 * and from the first signal (the journal). In the same run, on the same
 * bomb in the same kind of starved shell: the bash-builtin method of the
 * original write-up (5 STOP sweeps, then a KILL sweep, by name).
 *
 *   bun scripts/bench-rescue.ts [--pid-max 1000,2000,10000,32768] [--variants rogue,funcbomb,setsid,random]
 *       [--runs 3] [--big-runs 1] [--backoff US] [--bash-timeout 60] [--run-timeout 180] [--no-bash] [--chrt] [--binary PATH] [--json FILE]
 *
 * --report A.json,B.json: print the table of earlier runs (--json output) only.
 *
 * --chrt: the starved shell runs `exec chrt -f 10 COMMAND` (chrt execs, no
 * fork) for both methods, so that a CPU-saturating bomb does not hold the
 * start-up back for minutes (a separate issue): the engine's own times.
 *
 * Every measured run holds /tmp/pidrescue-bench.lock (scripts/lib/bench-lock.ts).
 * pid_max above what the host allows raises the host's kernel.pid_max for
 * the run and restores it afterwards; a size whose estimated memory (from
 * the per-process memory measured at the smaller sizes) exceeds
 * MemAvailable is skipped with the reason printed.
 */
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { BINARY } from "../test/helpers/paths.ts";
import { VARIANTS, type Variant, runInSandbox } from "../test/helpers/rescue-run.ts";
import { bashMethodCommand, parseBashMethod } from "./lib/bash-method.ts";
import { withBenchLock } from "./lib/bench-lock.ts";
import { type Row, cpuBusyPercent, hostPidMaxFor, memAvailableMb, printTable, summarize } from "./lib/rescue-report.ts";

interface Cli {
  pidMaxes: number[];
  variants: Array<keyof typeof VARIANTS>;
  runs: number;
  bigRuns: number;
  backoff: number;
  bashTimeoutS: number;
  runTimeoutS: number;
  bash: boolean;
  chrt: boolean;
  binary: string;
  json: string | undefined;
  report: string | undefined;
}

function parseCli(argv: string[]): Cli {
  const get = (f: string): string | undefined => {
    const i = argv.indexOf(f);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const variants = (get("--variants") ?? "rogue,funcbomb,setsid,random").split(",") as Array<keyof typeof VARIANTS>;
  for (const v of variants) if (!(v in VARIANTS)) throw new Error(`unknown variant ${v} (${Object.keys(VARIANTS).join(", ")})`);
  return {
    pidMaxes: (get("--pid-max") ?? "1000,2000,10000,32768").split(",").map(Number),
    variants,
    runs: Number(get("--runs") ?? 3),
    bigRuns: Number(get("--big-runs") ?? 1),
    backoff: Number(get("--backoff") ?? 0),
    bashTimeoutS: Number(get("--bash-timeout") ?? 60),
    runTimeoutS: Number(get("--run-timeout") ?? 180),
    bash: !argv.includes("--no-bash"),
    chrt: argv.includes("--chrt"),
    binary: get("--binary") ?? BINARY,
    json: get("--json"),
    report: get("--report"),
  };
}

const cli = parseCli(process.argv.slice(2));
if (cli.report !== undefined) {
  const old = cli.report.split(",").flatMap((f) => JSON.parse(readFileSync(f, "utf8")) as Row[]);
  printTable(old, cli, readFileSync("/proc/loadavg", "utf8").trim());
  process.exit(0);
}
// ^C or kill: exit through process.exit, so the sandbox's exit hook tears every sandbox down
// and hostPidMaxFor's hook restores kernel.pid_max.
process.on("SIGINT", () => process.exit(130));
process.on("SIGTERM", () => process.exit(143));
const work = mkdtempSync(`${tmpdir()}/pidrescue-bench-rescue-`);
// A private copy: another build of dist/pidrescue during the benchmark must not change what is measured.
const binary = `${work}/pidrescue`;
copyFileSync(cli.binary, binary);
writeFileSync(`${work}/.keep`, "");
const rows: Row[] = [];
/** MB of MemAvailable used per bomb process, measured at the smaller sizes, per variant. */
const mbPerProc = new Map<string, number>();
let serial = 0;

async function measure(pidMax: number, key: keyof typeof VARIANTS, method: "pidrescue" | "bash", run: number): Promise<Row> {
  const v: Variant = VARIANTS[key];
  const journal = `${work}/journal-${serial++}.log`;
  const bombArgs = v.bomb === "forkbomb" && cli.backoff > 0 ? ["-b", String(cli.backoff)] : [];
  let memAtFull = 0;
  const memBefore = memAvailableMb();
  const runTimeoutMs = (method === "bash" ? cli.bashTimeoutS : cli.runTimeoutS) * 1000;
  const execTimeoutMs = pidMax >= 20_000 ? 600_000 : 180_000;
  return withBenchLock(async (waited) =>
    hostPidMaxFor(pidMax, async () => {
      const busyBefore = await cpuBusyPercent(500);
      const r = await runInSandbox({
        variant: v,
        pidMax,
        bombArgs,
        journalPath: journal,
        // The starved shell's own steps (fork check, exec) crawl under a big spinning bomb.
        timeoutMs: runTimeoutMs + 180_000 + 2 * execTimeoutMs + 60_000,
        fillTimeoutMs: 180_000,
        execTimeoutMs,
        runTimeoutMs,
        command: () => {
          memAtFull = memAvailableMb();
          const argv = method === "bash" ? bashMethodCommand(v.comm ?? "") : [binary, "rescue", v.selector, "--yes", "--json", "--journal", journal];
          return cli.chrt ? ["/usr/bin/chrt", "-f", "10", ...argv] : argv;
        },
      });
      const procs = r.tasksAtExec;
      if (memBefore > memAtFull && procs > 100) mbPerProc.set(key, Math.max(mbPerProc.get(key) ?? 0, (memBefore - memAtFull) / procs));
      rmSync(journal, { force: true });
      return summarize({ pidMax, variant: cli.chrt ? { ...v, id: `${v.id}, exec chrt -f 10` } : v, method, run, result: r, bash: method === "bash" ? parseBashMethod(r.stdout) : undefined, lockWaitMs: waited, busyBefore });
    }),
  );
}

function skipReason(pidMax: number, key: keyof typeof VARIANTS): string | undefined {
  if (pidMax <= 10_000) return undefined;
  const per = mbPerProc.get(key);
  if (per === undefined) return undefined; // not measured: try
  const need = per * pidMax * 1.25;
  const avail = memAvailableMb();
  return need > avail ? `needs about ${Math.round(need)} MB (${per.toFixed(2)} MB a process measured), ${avail} MB available` : undefined;
}

try {
  for (const pidMax of cli.pidMaxes) {
    for (const key of cli.variants) {
      const skip = skipReason(pidMax, key);
      if (skip !== undefined) {
        console.error(`skip pid_max ${pidMax} ${VARIANTS[key].id}: ${skip}`);
        rows.push({ pidMax, variant: VARIANTS[key].id, method: "pidrescue", run: 0, skipped: skip } as Row);
        continue;
      }
      const runs = pidMax >= 32_768 ? cli.bigRuns : cli.runs;
      for (let run = 1; run <= runs; run++) {
        const methods: Array<"pidrescue" | "bash"> = cli.bash && VARIANTS[key].comm !== undefined ? ["pidrescue", "bash"] : ["pidrescue"];
        for (const method of methods) {
          try {
            const row = await measure(pidMax, key, method, run);
            rows.push(row);
            console.error(JSON.stringify(row));
          } catch (e) {
            // A run that could not happen (the sandbox did not fill, the shell never got to exec) is reported, not fatal.
            const msg = String(e instanceof Error ? e.message : e).split("\n")[0] ?? "";
            console.error(`pid_max ${pidMax} ${VARIANTS[key].id} ${method} run ${run}: ${msg}`);
            rows.push({ pidMax, variant: VARIANTS[key].id, method, run, skipped: `run failed: ${msg}` } as Row);
          }
        }
      }
    }
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
if (cli.json !== undefined) writeFileSync(cli.json, JSON.stringify(rows, null, 1));
printTable(rows, cli, readFileSync("/proc/loadavg", "utf8").trim());
console.log(`\nReproduce: bun scripts/bench-rescue.ts ${process.argv.slice(2).join(" ")}`);
