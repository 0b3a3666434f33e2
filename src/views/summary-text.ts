/**
 * The summary as text (one screen) and as JSON. The cgroup of a group is
 * sampled from one member only (one file read per shown group).
 */
import { ageSeconds } from "../proc/clock.ts";
import type { ProcTable } from "../proc/table.ts";
import { cgroupPathOf } from "./cgroup-path.ts";
import type { ViewEnv } from "./env.ts";
import { clip, fmtAge, num, pct, plural, safeText } from "./format.ts";
import type { LayoutColumn } from "./layout.ts";
import { layoutTable } from "./layout.ts";
import type { GroupSummary, Summary } from "./summary.ts";

/** Lines around the groups: the totals line, the column header, the "more" line. */
export const SUMMARY_FRAME = 3;

/**
 * How many groups fit `height` lines with the frame and two spare lines
 * (prompt, a message): total lines <= height - 2.
 */
export function fitGroups(height: number, groupCount: number): number {
  const room = Math.max(1, height - 2 - 2);
  if (groupCount <= room) return groupCount;
  return Math.max(1, room - 1);
}

export interface SummaryContext {
  pidMax: number | undefined;
  width: number;
  /** The selector the summary is limited to, if any. */
  selector?: string;
}

export function summaryLines(s: Summary, t: ProcTable, env: ViewEnv, c: SummaryContext): string[] {
  const lines = [totalsLine(s, c)];
  if (s.groupCount === 0) {
    lines.push(s.kernelHidden && s.kernelThreads > 0 ? "no process besides kernel threads" : "no process");
    return lines;
  }
  const cols = columnsFor(s.by);
  const cells = s.groups.map((g) => cols.map((col) => col.cell(g, t, env)));
  lines.push(...layoutTable(cols, cells, c.width));
  if (s.rest.groups > 0) {
    lines.push(clip(`... ${num(s.rest.groups)} more ${s.rest.groups === 1 ? "group" : "groups"} (${num(s.rest.processes)} processes); --limit 0 shows all`, c.width));
  }
  return lines;
}

/** The totals line, in the longest wording that fits the width (less important parts go first). */
export function totalsLine(s: Summary, c: SummaryContext): string {
  const what = c.selector === undefined ? "" : ` matching ${c.selector}`;
  const head = `${num(s.processes)} processes${what}, ${num(s.tasks)} tasks`;
  const hasMax = c.pidMax !== undefined && c.selector === undefined;
  const pmLong = hasMax ? `, pid_max ${num(c.pidMax!)} (${pct(s.tasks, c.pidMax!)} used)` : "";
  const pmShort = hasMax ? `, pid_max ${num(c.pidMax!)}` : "";
  const groups = `, ${plural(s.groupCount, s.by)}`;
  const kLong = s.kernelThreads === 0 ? "" : s.kernelHidden ? `, ${num(s.kernelThreads)} kernel threads not shown` : `, ${num(s.kernelThreads)} kernel threads included`;
  const kShort = s.kernelThreads === 0 ? "" : s.kernelHidden ? `, ${num(s.kernelThreads)} kthreads hidden` : `, incl. ${num(s.kernelThreads)} kthreads`;
  const wordings = [head + pmLong + groups + kLong, head + pmLong + groups + kShort, head + pmLong + kShort, head + pmShort + kShort];
  return wordings.find((w) => w.length <= c.width) ?? clip(wordings.at(-1)!, c.width);
}

interface SummaryColumn extends LayoutColumn {
  cell(g: GroupSummary, t: ProcTable, env: ViewEnv): string;
}

function columnsFor(by: Summary["by"]): SummaryColumn[] {
  const cols: SummaryColumn[] = [
    { header: "COUNT", align: "right", max: 10, cell: (g) => num(g.count) },
    { header: by === "name" ? "NAME" : by.toUpperCase(), align: "left", max: by === "cgroup" ? 40 : 20, cell: (g) => safeText(g.label) },
  ];
  if (by !== "name") cols.push({ header: "NAMES", align: "left", max: 28, cell: (g, t) => namesCell(g, t) });
  cols.push({ header: "STATES", align: "left", max: 20, cell: (g) => g.states.map(([l, n]) => `${l}${n}`).join(" ") });
  if (by !== "user") cols.push({ header: "USERS", align: "left", max: 16, cell: (g, _t, env) => usersCell(g, env) });
  if (by !== "session") cols.push({ header: "SESS", align: "right", max: 9, cell: (g) => num(g.sessions) });
  if (by !== "pgrp") cols.push({ header: "PGRPS", align: "right", max: 9, cell: (g) => num(g.pgrps) });
  cols.push(
    { header: "OLDEST", align: "right", max: 7, cell: (g, _t, env) => ageCell(g.oldestStart, env) },
    { header: "NEWEST", align: "right", max: 7, cell: (g, _t, env) => ageCell(g.newestStart, env) },
  );
  if (by !== "cgroup") cols.push({ header: "CGROUP", align: "left", max: 60, cell: (g, t, env) => safeText(sampleCgroup(g, t, env) ?? "-") });
  return cols;
}

/** The cgroup of the group's first member (one read), undefined if it is gone. */
export function sampleCgroup(g: GroupSummary, t: ProcTable, env: ViewEnv): string | undefined {
  if (g.firstRow < 0) return undefined;
  const m = env.lazy.cgroup(t.pid[g.firstRow]!, t.starttime[g.firstRow]!);
  return m === undefined ? undefined : cgroupPathOf(m);
}

function usersCell(g: GroupSummary, env: ViewEnv): string {
  const shown = g.uids.slice(0, 2).map((u) => env.userName(u));
  const more = g.userCount - shown.length;
  return safeText(shown.join(",")) + (more > 0 ? `+${more}` : "");
}

function namesCell(g: GroupSummary, t: ProcTable): string {
  const parts = g.names.map((n) => `${t.names.text(n.nameId)} ${num(n.count)}`);
  const more = g.nameCount - g.names.length;
  return parts.join(", ") + (more > 0 ? ` +${more}` : "");
}

function ageCell(starttime: number, env: ViewEnv): string {
  if (env.bootTime === undefined || !Number.isFinite(starttime)) return "?";
  return fmtAge(ageSeconds(starttime, env.bootTime, env.nowMs));
}

/**
 * JSON payload of the summary (`ps --json` without a selector, or with --by):
 *   { view: "summary", by, selector: string|null,
 *     totals: { processes, tasks, kernelThreads, kernelThreadsHidden, groups, pidMax: number|null },
 *     groups: [{ key: label, count, tasks, states: {R: n, ...}, users: [name...], userCount,
 *                sessions, pgrps, oldestAge, newestAge (seconds|null), cgroup: string|null,
 *                names: [{name, count}] (keys other than name), firstPid }],
 *     more: { groups, processes },   // groups not listed (see --limit)
 *     scan: { elapsedMs, vanished, denied } }
 */
export function summaryJson(s: Summary, t: ProcTable, env: ViewEnv, c: { pidMax: number | undefined; selector?: string }): Record<string, unknown> {
  const age = (st: number): number | null =>
    env.bootTime === undefined || !Number.isFinite(st) ? null : Math.max(0, Math.floor(ageSeconds(st, env.bootTime, env.nowMs)));
  return {
    view: "summary",
    by: s.by,
    selector: c.selector ?? null,
    totals: {
      processes: s.processes,
      tasks: s.tasks,
      kernelThreads: s.kernelThreads,
      kernelThreadsHidden: s.kernelHidden,
      groups: s.groupCount,
      pidMax: c.pidMax ?? null,
    },
    groups: s.groups.map((g) => ({
      key: g.label,
      count: g.count,
      tasks: g.tasks,
      states: Object.fromEntries(g.states),
      users: g.uids.map((u) => env.userName(u)),
      userCount: g.userCount,
      sessions: g.sessions,
      pgrps: g.pgrps,
      oldestAge: age(g.oldestStart),
      newestAge: age(g.newestStart),
      cgroup: sampleCgroup(g, t, env) ?? null,
      names: s.by === "name" ? [{ name: g.label, count: g.count }] : g.names.map((n) => ({ name: t.names.text(n.nameId), count: n.count })),
      firstPid: g.firstRow >= 0 ? t.pid[g.firstRow]! : null,
    })),
    more: { groups: s.rest.groups, processes: s.rest.processes },
    scan: scanJson(t),
  };
}

export function scanJson(t: ProcTable): Record<string, unknown> {
  const i = t.info;
  return { elapsedMs: i === undefined ? null : Math.round(i.elapsedMs), vanished: i?.vanished ?? 0, denied: i?.denied ?? 0 };
}
