/** Text and JSON forms of plans and results (no I/O here). */
import type { FreezeResult, KillResult, Plan, VerifyResult } from "./types.ts";
import { num } from "../views/format.ts";

// Not toLocaleString: its first call initialises ICU, 3.2 ms of CPU before
// the first signal (measured, safe mode), stretched under CPU contention.
const n = num;

export function planText(p: Plan, journalPath: string | undefined): string[] {
  const lines: string[] = [];
  lines.push(`plan for ${p.selector}: ${n(p.matched)} matches, ${n(p.targets.length)} to stop${p.zombies ? `, ${n(p.zombies)} zombies (already dead)` : ""}`);
  if (p.byName.length > 0) {
    const top = p.byName.slice(0, 6).map((b) => `${b.name} ${n(b.count)}`);
    lines.push(`  by name:   ${top.join(", ")}${p.byName.length > 6 ? `, ${p.byName.length - 6} more names` : ""}`);
  }
  const strat: string[] = [];
  if (p.cgroups.length > 0) strat.push(`${p.cgroups.length} cgroup freeze (${p.cgroups.map((c) => `${c.path}: ${n(c.pids.length)}`).join(", ")})`);
  if (p.groups.length > 0) {
    const covered = p.groups.reduce((a, g) => a + g.pids.length, 0);
    strat.push(`${n(p.groups.length)} process-group STOPs covering ${n(covered)}`);
  }
  strat.push(`per-PID sweeps for ${n(p.perPid)}`);
  lines.push(`  strategy:  ${strat.join("; ")}`);
  if (p.protectedHits.length > 0) {
    const shown = p.protectedHits.slice(0, 5).map((h) => `${h.pid} ${h.comm} (${h.reason})`);
    lines.push(`  protected: ${n(p.protectedHits.length)} matches never signalled: ${shown.join(", ")}${p.protectedHits.length > 5 ? ", ..." : ""}`);
  }
  lines.push(`  safe:      pidrescue ${process.pid}, its ${p.ancestors.length} ancestors (${p.ancestors.slice(0, 6).join(" <- ")}), PID 1, kernel threads, system daemons`);
  for (const s of p.suspicious.slice(0, 5)) lines.push(`  suspicious: pid ${s.pid} calls itself "${s.comm}" but is not the system daemon (not protected)`);
  if (journalPath !== undefined) lines.push(`  journal:   ${journalPath}`);
  return lines;
}

export function freezeText(f: FreezeResult): string[] {
  const q = f.msToQuiescence === null ? "" : ` (quiescent ${(f.msToQuiescence / 1000).toFixed(2)} s after the first signal)`;
  const lines = [
    `frozen ${n(f.stopped.size)} processes in ${f.rounds} sweep${f.rounds === 1 ? "" : "s"}${q}; ${n(f.signalsSent)} signals, ${f.nearMisses.length} PID-reuse near misses undone`,
  ];
  if (!f.quiescent && f.reason) lines.push(`  not quiescent: ${f.reason}`);
  return lines;
}

export function killText(k: KillResult): string[] {
  return [`killed ${n(k.killed)} (${k.cgroupKills} cgroup kills, ${k.groupKills} group kills, rest per PID)${k.skippedChanged ? `; ${k.skippedChanged} skipped: no longer the stopped process` : ""}`];
}

export function verifyText(v: VerifyResult): string[] {
  const slots = v.freeSlots === null ? "" : `; ${n(v.freeSlots)} of ${n(v.pidMax ?? 0)} PID slots free (${n(v.tasks ?? 0)} tasks)`;
  const dying = v.dying > 0 ? `, ${n(v.dying)} killed but not exited yet` : "";
  const lines = [`verify: ${n(v.survivors.length)} live matches left${dying}, ${n(v.zombies)} zombies not yet reaped${slots}`];
  if (v.survivors.length > 0) lines.push(`  survivors: ${v.survivors.slice(0, 8).map((s) => `${s.pid} ${s.comm}`).join(", ")}`);
  return lines;
}

export function epermText(list: Array<{ pid: number; comm: string; uid: number }>, myUid: number): string[] {
  if (list.length === 0) return [];
  const groups = new Map<string, number>();
  for (const e of list) groups.set(`uid ${e.uid} ${e.comm}`, (groups.get(`uid ${e.uid} ${e.comm}`) ?? 0) + 1);
  return [
    `EPERM: not allowed to signal ${n(list.length)} processes (you are uid ${myUid}): ${[...groups].map(([k, c]) => `${k} x${c}`).join(", ")}`,
    "  next step: become root without forking (README: 'Becoming root'), e.g. `exec su -c /usr/local/bin/pidrescue`, then run this again",
  ];
}

export function planJson(p: Plan): Record<string, unknown> {
  return {
    selector: p.selector,
    matched: p.matched,
    targets: p.targets.length,
    zombies: p.zombies,
    byName: p.byName,
    strategies: {
      cgroups: p.cgroups.map((c) => ({ version: c.version, path: c.path, processes: c.pids.length })),
      processGroups: p.groups.map((g) => ({ pgid: g.pgid, processes: g.pids.length })),
      perPid: p.perPid,
    },
    protected: p.protectedHits.map((h) => ({ pid: h.pid, comm: h.comm, reason: h.reason })),
    suspicious: p.suspicious.map((s) => ({ pid: s.pid, comm: s.comm })),
    ancestors: p.ancestors,
  };
}

export function freezeJson(f: FreezeResult): Record<string, unknown> {
  return {
    stopped: f.stopped.size,
    rounds: f.rounds,
    quiescent: f.quiescent,
    reason: f.reason,
    signals: f.signalsSent,
    nearMisses: f.nearMisses,
    eperm: f.eperm.length,
    msToQuiescence: f.msToQuiescence,
    firstSignalAt: f.firstSignalAt === null ? null : new Date(f.firstSignalAt).toISOString(),
    sweepLog: f.sweepLog,
    quiescentAt: f.firstSignalAt === null || f.msToQuiescence === null ? null : new Date(f.firstSignalAt + f.msToQuiescence).toISOString(),
    cgroups: f.cgroups.map((c) => ({ path: c.path, version: c.version, result: c.result })),
    processGroups: f.groups.map((g) => ({ pgid: g.pgid, result: g.result, tainted: g.tainted })),
  };
}

export function killJson(k: KillResult): Record<string, unknown> {
  return { killed: k.killed, signals: k.signalsSent, at: new Date(k.at).toISOString(), groupKills: k.groupKills, cgroupKills: k.cgroupKills, skippedChanged: k.skippedChanged, eperm: k.eperm.length };
}

export function verifyJson(v: VerifyResult): Record<string, unknown> {
  return {
    survivors: v.survivors.map((s) => ({ pid: s.pid, comm: s.comm })),
    dying: v.dying,
    zombies: v.zombies,
    tasks: v.tasks,
    pidMax: v.pidMax,
    freeSlots: v.freeSlots,
    waitedMs: v.waitedMs,
    at: new Date(v.at).toISOString(),
  };
}
