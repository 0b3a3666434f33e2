/**
 * bench-rescue.ts's figures: one Row per measured run (from the sandbox's
 * view, pidrescue's JSON and journal, or the bash method's timestamps), the
 * medians table in markdown, and the two host settings the large sizes need
 * (kernel.pid_max, memory).
 */
import { readFileSync, writeFileSync } from "node:fs";
import type { BashMethodTimes } from "./bash-method.ts";
import type { RunResult, Variant } from "../../test/helpers/rescue-run.ts";

export interface Row {
  pidMax: number;
  variant: string;
  method: "pidrescue" | "bash";
  run: number;
  skipped?: string;
  /** Tasks in the sandbox when the shell exec'd (the bomb holds all but 2 or 3). */
  procs: number;
  exit: number | null;
  execToFirstMs: number | null;
  firstToQuiescentMs: number | null;
  firstToRecoveredMs: number | null;
  execToQuiescentMs: number | null;
  execToRecoveredMs: number | null;
  /** Bomb processes left when the command exited, from outside: live (not Z) and zombies. */
  live: number;
  zombies: number;
  /** Zombies once init had up to 2 s to reap. */
  zombiesLater: number;
  cycles: number;
  sweeps: number;
  signals: number;
  nearMisses: number;
  /** Journal lines by strategy, e.g. "pid 997+997" (STOP+KILL), "pgrp 1+1". */
  strategies: string;
  /** Signals to a process the selector cannot mean (another name, init, pidrescue itself). */
  foreign: number;
  /** bash method: did it finish within its time limit, and when (survivors or not). */
  finished: boolean;
  execToDoneMs: number | null;
  firstToDoneMs: number | null;
  loadavg: string;
  /** CPU busy (all CPUs, %) over the 0.5 s before the sandbox started, with the lock held: other helpers' load. */
  busyBefore: number;
  lockWaitMs: number;
  /** pidrescue: where the time went, ms after the first signal (JSON output only). */
  timeline?: Record<string, number | string | null>;
}

interface Cycle {
  freeze: { firstSignalAt: string | null; quiescentAt: string | null; rounds: number; signals: number; nearMisses: unknown[]; sweepLog?: Array<{ ms: number; running: number; sent: number }> };
  kill: { signals: number; at?: string };
  verify: { survivors: unknown[]; zombies: number; at: string; waitedMs?: number };
}

export function summarize(a: { pidMax: number; variant: Variant; method: "pidrescue" | "bash"; run: number; result: RunResult; bash: BashMethodTimes | undefined; lockWaitMs: number; busyBefore: number }): Row {
  const r = a.result;
  const exec = r.execAt ?? null;
  const base: Row = {
    pidMax: a.pidMax,
    variant: a.variant.id,
    method: a.method,
    run: a.run,
    procs: r.tasksAtExec,
    exit: r.exit?.code ?? null,
    execToFirstMs: null,
    firstToQuiescentMs: null,
    firstToRecoveredMs: null,
    execToQuiescentMs: null,
    execToRecoveredMs: null,
    live: r.after.live,
    zombies: r.after.zombies,
    zombiesLater: r.settled.zombies,
    cycles: 0,
    sweeps: 0,
    signals: 0,
    nearMisses: 0,
    strategies: "",
    foreign: 0,
    finished: r.exit !== undefined,
    execToDoneMs: null,
    firstToDoneMs: null,
    loadavg: r.loadavg.split(" ").slice(0, 3).join(" "),
    lockWaitMs: a.lockWaitMs,
    busyBefore: a.busyBefore,
  };
  const diff = (from: number | null, to: number | null): number | null => (from === null || to === null ? null : Math.round(to - from));
  if (a.method === "bash") {
    const b = a.bash;
    base.finished = b !== undefined;
    if (b === undefined) return base;
    base.execToFirstMs = diff(exec, b.start);
    base.execToDoneMs = diff(exec, b.killed);
    base.firstToDoneMs = diff(b.start, b.killed);
    base.sweeps = 6;
    // Its "quiescence" is the end of its 5 STOP sweeps; recovery only if nothing is left alive.
    base.firstToQuiescentMs = diff(b.start, b.sweeps[4] ?? null);
    base.execToQuiescentMs = diff(exec, b.sweeps[4] ?? null);
    if (r.after.live === 0) {
      base.firstToRecoveredMs = diff(b.start, b.killed);
      base.execToRecoveredMs = diff(exec, b.killed);
    }
    return base;
  }
  const j = r.json ?? {};
  const cycles = (j.cycles as Cycle[] | undefined) ?? [];
  const first = r.journal[0]?.time !== undefined ? Date.parse(r.journal[0].time) : null;
  const q = cycles.find((c) => c.freeze.quiescentAt !== null)?.freeze.quiescentAt;
  const quiescent = q === undefined || q === null ? null : Date.parse(q);
  const last = cycles.at(-1);
  const recovered = last !== undefined && last.verify.survivors.length === 0 && last.verify.zombies === 0 ? Date.parse(last.verify.at) : null;
  base.execToFirstMs = diff(exec, first);
  base.firstToQuiescentMs = diff(first, quiescent);
  base.execToQuiescentMs = diff(exec, quiescent);
  base.firstToRecoveredMs = diff(first, recovered);
  base.execToRecoveredMs = diff(exec, recovered);
  base.cycles = cycles.length;
  base.sweeps = cycles.reduce((s, c) => s + c.freeze.rounds, 0);
  base.signals = r.journal.length;
  base.nearMisses = cycles.reduce((s, c) => s + c.freeze.nearMisses.length, 0);
  base.strategies = strategyMix(r.journal);
  const at = (l: Record<string, string> | undefined): number | null => (l?.time === undefined ? null : Date.parse(l.time));
  const stops = r.journal.filter((l) => l.sig === "STOP");
  const kills = r.journal.filter((l) => l.sig === "KILL" || l.sig === "kill");
  const c0 = cycles[0];
  base.timeline = {
    lastStop: diff(first, at(stops.at(-1))),
    quiescent: base.firstToQuiescentMs,
    firstKill: diff(first, at(kills[0])),
    lastKill: diff(first, at(kills.at(-1))),
    killDone: c0?.kill.at === undefined ? null : diff(first, Date.parse(c0.kill.at)),
    verified: c0 === undefined ? null : diff(first, Date.parse(c0.verify.at)),
    verifyWaited: c0?.verify.waitedMs ?? null,
    sweeps: (c0?.freeze.sweepLog ?? []).map((w) => `${w.ms}:${w.running}/${w.sent}`).join(" "),
  };
  const comm = a.variant.comm;
  base.foreign = r.journal.filter((l) => {
    const pid = Number(l.pid);
    if (pid === 1 || pid === r.victimNsPid || pid === -(r.victimNsPid ?? 0) || pid === 0 || pid === -1) return l.strategy !== "cgroup1" && l.strategy !== "cgroup2";
    return comm !== undefined && l.strategy === "pid" && l.comm !== comm;
  }).length;
  return base;
}

/** "pid 997+997, pgrp 1+1": STOP+KILL lines per strategy (undo = SIGCONT after a near miss). */
function strategyMix(journal: Array<Record<string, string>>): string {
  const m = new Map<string, [number, number]>();
  for (const l of journal) {
    const s = l.strategy ?? "?";
    const e = m.get(s) ?? [0, 0];
    if (l.sig === "KILL" || l.sig === "kill") e[1]++;
    else e[0]++;
    m.set(s, e);
  }
  return [...m].map(([s, [a, b]]) => `${s} ${a}+${b}`).join(", ");
}

export function median(xs: Array<number | null>): number | null {
  const v = xs.filter((x): x is number => x !== null).sort((a, b) => a - b);
  if (v.length === 0) return null;
  const mid = v.length >> 1;
  return v.length % 2 === 1 ? v[mid]! : (v[mid - 1]! + v[mid]!) / 2;
}

const sec = (ms: number | null): string => (ms === null ? "-" : (ms / 1000).toFixed(2));

export function printTable(rows: Row[], cli: { runs: number; bigRuns: number; backoff: number; bashTimeoutS: number; runTimeoutS: number; chrt: boolean }, loadNow: string): void {
  const keys = [...new Set(rows.map((r) => `${r.pidMax}\t${r.variant}`))];
  const out: string[] = [];
  out.push(
    "| pid_max | bomb | tasks | runs | exec→1st signal | 1st signal→quiescent | 1st signal→recovered | exec→recovered | live / zombies left | sweeps | journal lines by strategy (STOP+KILL) | near misses | foreign signals | bash method: exec→done | bash: live left | ratio bash / pidrescue (exec clock / first-signal clock) |",
    "|---:|---|---:|---:|---:|---:|---:|---:|---|---:|---|---:|---:|---:|---|---:|",
  );
  for (const k of keys) {
    const [pm, variant] = k.split("\t");
    const all = rows.filter((r) => `${r.pidMax}\t${r.variant}` === k && r.method === "pidrescue");
    const mine = all.filter((r) => r.skipped === undefined);
    const skipped = all.find((r) => r.skipped !== undefined);
    if (mine.length === 0 && skipped !== undefined) {
      out.push(`| ${pm} | ${variant} | | 0 | skipped: ${skipped.skipped} | | | | | | | | | | | |`);
      continue;
    }
    const bash = rows.filter((r) => `${r.pidMax}\t${r.variant}` === k && r.method === "bash" && r.skipped === undefined);
    const rec = median(mine.map((r) => r.execToRecoveredMs));
    const unfinished = mine.filter((r) => r.exit === null).length;
    const recText = `${sec(rec)}${unfinished > 0 ? ` (${unfinished}/${mine.length} runs not done in ${cli.runTimeoutS} s)` : ""}`;
    const bashDone = median(bash.map((r) => r.execToDoneMs));
    const alive = bash.filter((r) => r.finished && r.live > 0).length;
    const bashText =
      bash.length === 0
        ? "N/A (cannot match random names)"
        : bash.every((r) => r.finished)
          ? `${sec(bashDone)}${alive > 0 ? ` (${alive}/${bash.length} runs left processes alive)` : ""}`
          : `not done in ${cli.bashTimeoutS} s (${bash.filter((r) => !r.finished).length}/${bash.length} runs)`;
    const bashLive = bash.length === 0 ? "N/A" : bash.map((r) => (r.finished ? String(r.live) : `${r.live} (unfinished)`)).join(", ");
    const bashFirst = median(bash.map((r) => r.firstToDoneMs));
    const recFirst = median(mine.map((r) => r.firstToRecoveredMs));
    const ratio =
      bash.length === 0
        ? "N/A"
        : bashDone !== null && rec !== null && bashFirst !== null && recFirst !== null && bash.every((r) => r.finished)
          ? `${(bashDone / rec).toFixed(1)}x / ${(bashFirst / recFirst).toFixed(1)}x`
          : "-";
    out.push(
      `| ${Number(pm).toLocaleString("en-US")} | ${variant} | ${median(mine.map((r) => r.procs))} | ${mine.length} | ${sec(median(mine.map((r) => r.execToFirstMs)))} | ${sec(median(mine.map((r) => r.firstToQuiescentMs)))} | ${sec(median(mine.map((r) => r.firstToRecoveredMs)))} | ${recText} | ${mine.map((r) => `${r.live}/${r.zombies}`).join(", ")} | ${median(mine.map((r) => r.sweeps))} | ${mine[0]?.strategies ?? ""} | ${mine.reduce((s, r) => s + r.nearMisses, 0)} | ${mine.reduce((s, r) => s + r.foreign, 0)} | ${bashText} | ${bashLive} | ${ratio} |`,
    );
  }
  const measured = rows.filter((r) => r.skipped === undefined);
  const loads = measured.map((r) => Number(r.loadavg.split(" ")[0]));
  const busy = measured.map((r) => r.busyBefore);
  out.push("");
  out.push(
    `Medians of ${cli.runs} runs (${cli.bigRuns} at pid_max >= 32,768); times in seconds. C bombs ${cli.backoff > 0 ? `back off ${cli.backoff} µs after a failed fork` : "spin (no backoff)"}; bash method limited to ${cli.bashTimeoutS} s. ` +
      (cli.chrt ? "Both methods exec'd as `exec chrt -f 10 ...` from the starved shell." : "Both methods exec'd directly from the starved shell (pidrescue raises its own priority)."),
  );
  out.push(
    `Other load: CPU busy in the 0.5 s before each run (lock held, no bomb yet): median ${median(busy)?.toFixed(0) ?? "-"} %, max ${Math.max(0, ...busy).toFixed(0)} %; ` +
      `1-minute load average then: median ${median(loads)?.toFixed(1) ?? "-"}, max ${Math.max(0, ...loads).toFixed(1)} (it still counts the previous run's bomb; now ${loadNow}). Every run held /tmp/pidrescue-bench.lock.`,
  );
  console.log(out.join("\n"));
}

/** Percentage of CPU time (all CPUs) not idle over `ms`. */
export async function cpuBusyPercent(ms: number): Promise<number> {
  const read = (): [number, number] => {
    const f = (readFileSync("/proc/stat", "utf8").split("\n")[0] ?? "").trim().split(/\s+/).slice(1).map(Number);
    const idle = (f[3] ?? 0) + (f[4] ?? 0);
    return [f.reduce((a, b) => a + b, 0), idle];
  };
  const [t0, i0] = read();
  await Bun.sleep(ms);
  const [t1, i1] = read();
  return t1 === t0 ? 0 : Math.round((100 * (t1 - t0 - (i1 - i0))) / (t1 - t0));
}

export function memAvailableMb(): number {
  const m = /^MemAvailable:\s+(\d+) kB/m.exec(readFileSync("/proc/meminfo", "utf8"));
  return m?.[1] === undefined ? 0 : Math.round(Number(m[1]) / 1024);
}

const HOST_PID_MAX = "/proc/sys/kernel/pid_max";

/**
 * Run `fn` with the host's kernel.pid_max high enough for a namespace of
 * `pidMax` (its tasks take host PIDs too), restored afterwards unless
 * someone else changed it meanwhile.
 */
export async function hostPidMaxFor<T>(pidMax: number, fn: () => Promise<T>): Promise<T> {
  const before = Number(readFileSync(HOST_PID_MAX, "utf8").trim());
  const want = pidMax * 2 + 4096;
  if (before >= want) return fn();
  writeFileSync(HOST_PID_MAX, String(want));
  console.error(`host kernel.pid_max ${before} -> ${want} for this run`);
  const restore = (): void => {
    if (Number(readFileSync(HOST_PID_MAX, "utf8").trim()) === want) writeFileSync(HOST_PID_MAX, String(before));
  };
  process.on("exit", restore); // also when the benchmark is interrupted
  try {
    return await fn();
  } finally {
    restore();
    process.off("exit", restore);
    console.error(`host kernel.pid_max restored to ${readFileSync(HOST_PID_MAX, "utf8").trim()}`);
  }
}
