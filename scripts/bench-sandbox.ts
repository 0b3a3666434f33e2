#!/usr/bin/env bun
/**
 * How fast the starvation sandbox fills, and whether teardown leaves anything:
 *
 *   bun scripts/bench-sandbox.ts [--runs N] [--pid-max N] [--mode pidmax|cgroup] [--bomb NAME[:ARGS]]...
 *
 * For each bomb, N runs (default 5) of: start the sandbox (namespace pid_max
 * 1000 by default), wait until the table is full, check that the starved
 * shell cannot fork, exec `dist/pidrescue doctor`, then tear down with the
 * bomb still running (keepAfterExit) and check that the cgroup was empty and
 * removed. Prints one line per run and the medians per bomb.
 */
import { existsSync, readdirSync } from "node:fs";
import { pidsHierarchy } from "../test/helpers/cgroup.ts";
import { BINARY } from "../test/helpers/paths.ts";
import { type BombName, type SandboxMode, startSandbox } from "../test/helpers/sandbox.ts";

interface Run {
  fillMs: number;
  tasksAtFull: number;
  checkMs: number;
  commandMs: number;
  cleanupMs: number;
  leftover: number;
  removed: boolean;
  couldFork: boolean | undefined;
  exit: number | undefined;
}

const DEFAULT_BOMBS = ["forkbomb", "forkbomb:-b 100000", "forkbomb:-s -r -b 100000", "rogue.sh", "funcbomb.sh"];

function args(): { runs: number; pidMax: number; mode: SandboxMode; bombs: string[] } {
  const a = process.argv.slice(2);
  const get = (f: string): string | undefined => {
    const i = a.indexOf(f);
    return i >= 0 ? a[i + 1] : undefined;
  };
  const bombs = a.flatMap((x, i) => (x === "--bomb" && a[i + 1] !== undefined ? [a[i + 1] as string] : []));
  return {
    runs: Number(get("--runs") ?? 5),
    pidMax: Number(get("--pid-max") ?? 1000),
    mode: (get("--mode") ?? "pidmax") as SandboxMode,
    bombs: bombs.length > 0 ? bombs : DEFAULT_BOMBS,
  };
}

async function once(mode: SandboxMode, pidMax: number, bomb: BombName, bombArgs: string[]): Promise<Run> {
  const sb = await startSandbox({
    command: [BINARY, "doctor"],
    mode,
    pidMax,
    pidsMax: mode === "cgroup" ? pidMax : undefined,
    bomb,
    bombArgs,
    keepAfterExit: true,
    timeoutMs: 120_000,
  });
  try {
    const t0 = Date.now();
    const st = await sb.waitExit(90_000);
    const commandMs = Date.now() - t0;
    const r = { fillMs: sb.timings.fillMs, tasksAtFull: sb.tasksAtFull, checkMs: sb.timings.checkMs, commandMs, couldFork: sb.victimCouldFork, exit: st?.code };
    const c = await sb.destroy();
    return { ...r, cleanupMs: c.ms, leftover: c.leftover, removed: c.cgroupRemoved };
  } finally {
    await sb.destroy();
  }
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? (s[m] ?? 0) : ((s[m - 1] ?? 0) + (s[m] ?? 0)) / 2;
}

async function main(): Promise<void> {
  const o = args();
  console.log(`sandbox bench: mode ${o.mode}, ${o.mode === "pidmax" ? "pid_max" : "pids.max"} ${o.pidMax}, ${o.runs} runs per bomb, 2 CPUs`);
  const summary: string[] = [];
  for (const spec of o.bombs) {
    const [name, rest] = spec.split(":") as [BombName, string | undefined];
    const bombArgs = (rest ?? "").split(/\s+/).filter((s) => s !== "");
    const runs: Run[] = [];
    for (let i = 0; i < o.runs; i++) {
      const r = await once(o.mode, o.pidMax, name, bombArgs);
      runs.push(r);
      console.log(
        `${spec.padEnd(26)} run ${i + 1}: fill ${r.fillMs} ms at ${r.tasksAtFull} tasks, check ${r.checkMs} ms, could fork ${r.couldFork}, ` +
          `doctor exit ${r.exit} in ${r.commandMs} ms, teardown ${r.cleanupMs} ms, leftover ${r.leftover}, cgroup removed ${r.removed}`,
      );
      await Bun.sleep(1000); // let the load settle between runs
    }
    summary.push(
      `${spec.padEnd(26)} median fill ${median(runs.map((r) => r.fillMs))} ms (tasks ${median(runs.map((r) => r.tasksAtFull))}), ` +
        `check ${median(runs.map((r) => r.checkMs))} ms, doctor ${median(runs.map((r) => r.commandMs))} ms, teardown ${median(runs.map((r) => r.cleanupMs))} ms; ` +
        `forked ${runs.filter((r) => r.couldFork).length}/${runs.length}, exit!=0 ${runs.filter((r) => r.exit !== 0).length}, leftover ${runs.reduce((a, r) => a + r.leftover, 0)}, not removed ${runs.filter((r) => !r.removed).length}`,
    );
  }
  console.log("\nmedians:");
  for (const l of summary) console.log(l);
  const h = pidsHierarchy();
  if (!("missing" in h) && existsSync(h.mount)) {
    const left = readdirSync(h.mount).filter((n) => n.startsWith("pidrescue-sb-"));
    console.log(`sandbox cgroups left under ${h.mount}: ${left.length === 0 ? "none" : left.join(" ")}`);
  }
}

await main();
