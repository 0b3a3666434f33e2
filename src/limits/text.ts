/** `limits` as text (the verdict, then the figures) and as JSON. Pure. */
import { num, pct } from "../views/format.ts";
import { layoutTable } from "../views/layout.ts";
import type { Collected } from "./collect.ts";
import type { Share, Verdict } from "./diagnose.ts";

export function limitsLines(v: Verdict, c: Collected, width: number): string[] {
  const lines = [v.sentence, ""];
  const cells: string[][] = [];
  const p = c.input.pidMax;
  if (p !== undefined) {
    const ns = p.namespace === "own" ? " (own PID namespace)" : p.namespace === "init" ? " (initial namespace)" : "";
    cells.push(row(`pid_max${ns}`, p.tasks, p.pidMax, v, "pid_max", null, p.top));
  }
  const tm = c.input.threadsMax;
  if (tm !== undefined) cells.push(row("threads-max (all tasks)", tm.tasks, tm.threadsMax, v, "threads-max", null, tm.top));
  for (const cg of c.input.cgroups) {
    const label = `cgroup v${cg.version} ${cg.path}`;
    if (cg.max === null) cells.push([label, num(cg.current), "max", "-", "-", cg.refused === null ? "-" : num(cg.refused), shares(cg.top)]);
    else cells.push(row(label, cg.current, cg.max, v, `cgroup ${cg.path}`, cg.refused, cg.top));
  }
  for (const n of c.input.nproc) {
    const label = `RLIMIT_NPROC uid ${n.uid} (${n.user})`;
    if (n.soft === null) cells.push([label, num(n.tasks), "unlimited", "-", "-", "-", shares(n.top)]);
    else cells.push(row(label, n.tasks, n.soft, v, `RLIMIT_NPROC of uid ${n.uid}`, null, n.top));
  }
  if (cells.length > 0) {
    const cols = [
      { header: "LIMIT", align: "left" as const, max: 44 },
      { header: "USED", align: "right" as const, max: 10 },
      { header: "OF", align: "right" as const, max: 10 },
      { header: "FREE", align: "right" as const, max: 10 },
      { header: "USE", align: "right" as const, max: 6 },
      { header: "REFUSED", align: "right" as const, max: 10 },
      { header: "TOP", align: "left" as const, max: 60 },
    ];
    lines.push(...layoutTable(cols, cells, width));
  }
  if (c.hierarchies.length === 0) lines.push("no pids cgroup hierarchy found in mountinfo: cgroup limits not checked");
  if (c.groups.length > 0) {
    lines.push(`biggest groups: ${c.groups.map((g) => `${g.name} ${num(g.processes)}${g.tasks !== g.processes ? ` (${num(g.tasks)} tasks)` : ""}${g.uid !== null ? ` uid ${g.uid}` : ""}`).join(", ")}`);
  }
  return lines;
}

function row(label: string, used: number, limit: number, v: Verdict, stateLabel: string, refused: number | null, top: Share[]): string[] {
  const s = v.states.find((x) => x.label === stateLabel);
  const free = s === undefined ? Math.max(0, limit - used) : s.free;
  const use = s?.note !== undefined ? "exempt" : s?.full ? "FULL" : pct(used, used + free);
  return [label, num(used), num(limit), num(free), use, refused === null ? "-" : num(refused), shares(top)];
}

function shares(top: Share[]): string {
  return top.slice(0, 3).map((s) => `${s.name} ${num(s.tasks)}`).join(", ");
}

/**
 * JSON payload of `limits --json`:
 *   { verdict: "<the sentence>",
 *     primary: { kind: "pid_max"|"threads-max"|"cgroup"|"nproc", label, used, limit, free, full } | null,
 *     exhausted: [label...],
 *     limits: [{ kind, label, used, limit, free, ratio, full, note|null, top: [{name, uid, tasks}] }],  // fullest first
 *     pidMax: { pidMax, tasks, tasksLow, namespace } | null,
 *     threadsMax: { threadsMax, tasks } | null,
 *     cgroups: [{ version, path, current, max|null, refused|null, top }],
 *     nproc: [{ uid, user, soft|null, hard|null, tasks, top }],
 *     groups: [{ name, processes, tasks, uid|null, cgroups: [{version, path, tasks}] }],
 *     hierarchies: [{ version, mount }] }
 */
export function limitsJson(v: Verdict, c: Collected): Record<string, unknown> {
  const brief = (s: Verdict["states"][number]) => ({ kind: s.kind, label: s.label, used: s.used, limit: s.limit, free: s.free, full: s.full });
  const { pidMax, threadsMax } = c.input;
  return {
    verdict: v.sentence,
    primary: v.primary === undefined ? null : brief(v.primary),
    exhausted: v.exhausted.map((s) => s.label),
    limits: v.states.map((s) => ({ ...brief(s), ratio: s.ratio, note: s.note ?? null, top: s.top })),
    pidMax: pidMax === undefined ? null : { pidMax: pidMax.pidMax, tasks: pidMax.tasks, tasksLow: pidMax.tasksLow, namespace: pidMax.namespace },
    threadsMax: threadsMax === undefined ? null : { threadsMax: threadsMax.threadsMax, tasks: threadsMax.tasks },
    cgroups: c.input.cgroups,
    nproc: c.input.nproc,
    groups: c.groups,
    hierarchies: c.hierarchies,
  };
}
