/**
 * Read the figures `limits` judges (diagnose.ts), for one scanned table:
 * pid_max / threads-max / loadavg under <procRoot>/sys and <procRoot>,
 * the pids cgroups on the path of the biggest groups (and of pidrescue
 * itself), and RLIMIT_NPROC of a member of each big group against the task
 * count of its uid. The cgroup mounts come from <procRoot>/self/mountinfo,
 * so a fixture tree can carry its own.
 *
 * Costs: one scan (given), one cgroup file per big group (three samples;
 * every member only when the samples disagree), one limits file per uid.
 * The uid column is the owner of /proc/<pid> (the effective uid), used as
 * the real uid the kernel counts for RLIMIT_NPROC.
 */
import type { LazyReader } from "../proc/lazy.ts";
import { readLink, readText } from "../proc/reader.ts";
import type { ProcTable } from "../proc/table.ts";
import { type CgroupMembership, cgroupLayout, parseMountinfo, parseProcCgroup } from "../system/mountinfo.ts";
import { parseLimit, readNumber, statusField } from "../system/selfinfo.ts";
import { PF_KTHREAD } from "../proc/stat.ts";
import { BLOCK, Uniform } from "../views/blocks.ts";
import { groupKeys } from "../views/group-keys.ts";
import { type GroupSummary, type Summary, summarize } from "../views/summary.ts";
import { pathAndAncestors, readPids, within } from "./cgroupfs.ts";
import { type CgroupFigure, type LimitsInput, type NprocFigure, RESERVED_PIDS, type Share } from "./diagnose.ts";

/** Groups (by name) whose cgroups and RLIMIT_NPROC are looked at. */
export const TOP_GROUPS = 5;
/** Members whose cgroup is read when three samples of a group disagree. */
export const MAX_CGROUP_READS = 100_000;

export interface TopGroup {
  name: string;
  processes: number;
  tasks: number;
  uid: number | null;
  /** Where the members are (pids controller path), with their tasks. */
  cgroups: Array<{ version: 1 | 2; path: string; tasks: number }>;
}

export interface Collected {
  input: LimitsInput;
  groups: TopGroup[];
  /** Where the pids controller was found. */
  hierarchies: Array<{ version: 1 | 2; mount: string }>;
}

export interface CollectEnv {
  procRoot: string;
  lazy: LazyReader;
  userName(uid: number): string;
}

export function collectLimits(t: ProcTable, env: CollectEnv): Collected {
  const { procRoot, lazy } = env;
  const keys = groupKeys(t, "name", { userName: env.userName, lazy });
  const s = summarize(t, { keys, detail: TOP_GROUPS });
  const layout = cgroupLayout(parseMountinfo(readText(`${procRoot}/self/mountinfo`, 1 << 20) ?? ""));
  const hierarchies: Collected["hierarchies"] = [];
  const v1 = layout.v1.get("pids");
  if (v1 !== undefined) hierarchies.push({ version: 1, mount: v1 });
  if (layout.v2 !== undefined) hierarchies.push({ version: 2, mount: layout.v2 });
  const groups = s.groups.map((g) => topGroup(t, g, lazy, hierarchies));
  const topShares = groups.map((g) => ({ name: g.name, uid: g.uid, tasks: g.tasks })).sort((a, b) => b.tasks - a.tasks);
  const pidMax = readNumber(`${procRoot}/sys/kernel/pid_max`);
  const threadsMax = readNumber(`${procRoot}/sys/kernel/threads-max`);
  const systemTasks = loadavgTasks(readText(`${procRoot}/loadavg`, 256));
  const input: LimitsInput = {
    pidMax: pidMax === undefined ? undefined : { pidMax, tasks: s.tasks, tasksLow: tasksBelow(t, RESERVED_PIDS), namespace: namespaceOf(procRoot), top: topShares },
    threadsMax: threadsMax === undefined ? undefined : { threadsMax, tasks: Math.max(s.tasks, systemTasks ?? 0), top: topShares },
    cgroups: cgroupFigures(groups, hierarchies, ownCgroup(procRoot)),
    nproc: nprocFigures(t, s, env),
  };
  return { input, groups, hierarchies };
}

/**
 * Up to `max` member rows of a group by name, in table order, found with the
 * native indexOf of the name column (kernel threads of the same name skipped).
 */
export function memberRows(t: ProcTable, g: GroupSummary, max: number, accept: (row: number) => boolean = () => true): number[] {
  const out: number[] = [];
  const ids = t.nameId.subarray(0, t.count);
  for (let i = ids.indexOf(g.key); i >= 0 && out.length < max; i = ids.indexOf(g.key, i + 1)) {
    if ((t.flags[i]! & PF_KTHREAD) === 0 && accept(i)) out.push(i);
  }
  return out;
}

/** The first, a middle and the last member (native searches from both ends and the middle). */
function sampleRows(t: ProcTable, g: GroupSummary): number[] {
  const ids = t.nameId.subarray(0, t.count);
  const ok = (i: number): boolean => i >= 0 && (t.flags[i]! & PF_KTHREAD) === 0;
  const out = g.firstRow >= 0 ? [g.firstRow] : [];
  let mid = ids.indexOf(g.key, t.count >> 1);
  while (mid >= 0 && !ok(mid)) mid = ids.indexOf(g.key, mid + 1);
  if (mid >= 0) out.push(mid);
  let last = ids.lastIndexOf(g.key);
  while (last >= 0 && !ok(last)) last = last === 0 ? -1 : ids.lastIndexOf(g.key, last - 1);
  if (last >= 0) out.push(last);
  return out;
}

function topGroup(t: ProcTable, g: GroupSummary, lazy: LazyReader, h: Collected["hierarchies"]): TopGroup {
  const out: TopGroup = { name: g.label, processes: g.count, tasks: g.tasks, uid: g.userCount === 1 ? (g.uids[0] ?? null) : null, cgroups: [] };
  if (h.length === 0 || g.count === 0) return out;
  const at = (r: number): CgroupMembership | undefined => lazy.cgroup(t.pid[r]!, t.starttime[r]!);
  const samples = sampleRows(t, g).map(at).filter((m) => m !== undefined);
  const paths = new Map<string, { version: 1 | 2; path: string; tasks: number }>();
  const add = (m: CgroupMembership, tasks: number): void => {
    for (const { version } of h) {
      const p = version === 1 ? m.v1.get("pids") : m.v2;
      if (p === undefined) continue;
      const key = `${version}:${p}`;
      const e = paths.get(key);
      if (e === undefined) paths.set(key, { version, path: p, tasks });
      else e.tasks += tasks;
    }
  };
  const sig = (m: CgroupMembership): string => `${m.v1.get("pids")}\n${m.v2}`;
  if (samples.length > 0 && samples.every((m) => sig(m) === sig(samples[0]!))) {
    add(samples[0]!, g.tasks);
  } else {
    for (const r of memberRows(t, g, MAX_CGROUP_READS)) {
      const m = at(r);
      if (m !== undefined) add(m, t.threads[r]!);
    }
  }
  out.cgroups = [...paths.values()];
  return out;
}

/** Every pids cgroup on the path of the groups and of pidrescue itself, with the groups' shares. */
function cgroupFigures(groups: TopGroup[], h: Collected["hierarchies"], own: CgroupMembership | undefined): CgroupFigure[] {
  const seen = new Set<string>();
  const out: CgroupFigure[] = [];
  const visit = (version: 1 | 2, leaf: string): void => {
    const mount = h.find((x) => x.version === version)?.mount;
    if (mount === undefined) return;
    for (const path of pathAndAncestors(leaf)) {
      const key = `${version}:${path}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const f = readPids(mount + path);
      if (f === undefined) continue;
      out.push({ version, path, ...f, top: sharesIn(groups, version, path) });
    }
  };
  for (const g of groups) for (const c of g.cgroups) visit(c.version, c.path);
  if (own !== undefined) {
    const p1 = own.v1.get("pids");
    if (p1 !== undefined) visit(1, p1);
    if (own.v2 !== undefined) visit(2, own.v2);
  }
  return out;
}

function sharesIn(groups: TopGroup[], version: 1 | 2, path: string): Share[] {
  const shares: Share[] = [];
  for (const g of groups) {
    let tasks = 0;
    for (const c of g.cgroups) if (c.version === version && within(c.path, path)) tasks += c.tasks;
    if (tasks > 0) shares.push({ name: g.name, uid: g.uid, tasks });
  }
  return shares.sort((a, b) => b.tasks - a.tasks);
}

/** RLIMIT_NPROC of a member of each big group, per uid, against that uid's tasks. */
function nprocFigures(t: ProcTable, s: Summary, env: CollectEnv): NprocFigure[] {
  const out: NprocFigure[] = [];
  const done = new Set<number>();
  s.groups.forEach((g) => {
    for (const uid of g.uids) {
      if (done.has(uid)) continue;
      const r = g.firstRow >= 0 && t.uid[g.firstRow] === uid ? g.firstRow : memberRows(t, g, 1, (i) => t.uid[i] === uid)[0];
      if (r === undefined) continue;
      const text = env.lazy.limits(t.pid[r]!, t.starttime[r]!);
      const lim = text === undefined ? undefined : parseLimit(text, "Max processes");
      if (lim === undefined) continue;
      done.add(uid);
      const byName = tasksByName(t, uid);
      out.push({
        uid,
        user: env.userName(uid),
        soft: Number.isFinite(lim.soft) ? lim.soft : null,
        hard: Number.isFinite(lim.hard) ? lim.hard : null,
        tasks: byName.tasks,
        top: byName.top.map((x) => ({ name: t.names.text(x.nameId), uid, tasks: x.tasks })),
      });
    }
  });
  return out;
}

/** Tasks of one uid, in all and by name (the 3 biggest): whole blocks at once where uid, name and threads do not change. */
export function tasksByName(t: ProcTable, uid: number): { tasks: number; top: Array<{ nameId: number; tasks: number }> } {
  const per = new Float64Array(t.names.size);
  const { uid: uids, nameId, threads } = t;
  const uU = new Uniform(uids);
  const uN = new Uniform(nameId);
  const uT = new Uniform(threads);
  let tasks = 0;
  const m = t.count;
  for (let a = 0; a < m; a += BLOCK) {
    const b = a + BLOCK < m ? a + BLOCK : m;
    if (uU.all(a, b) && uN.all(a, b) && uT.all(a, b)) {
      if (uids[a] !== uid) continue;
      const n = threads[a]! * (b - a);
      tasks += n;
      per[nameId[a]!] = per[nameId[a]!]! + n;
      continue;
    }
    for (let i = a; i < b; i++) {
      if (uids[i] !== uid) continue;
      const n = threads[i]!;
      tasks += n;
      per[nameId[i]!] = per[nameId[i]!]! + n;
    }
  }
  const top: Array<{ nameId: number; tasks: number }> = [];
  for (let id = 0; id < per.length; id++) if (per[id]! > 0) top.push({ nameId: id, tasks: per[id]! });
  top.sort((x, y) => y.tasks - x.tasks || x.nameId - y.nameId);
  return { tasks, top: top.slice(0, 3) };
}

function tasksBelow(t: ProcTable, pid: number): number {
  let n = 0;
  for (let i = 0; i < t.count; i++) if (t.pid[i]! < pid) n += t.threads[i]!;
  return n;
}

/** "0.50 0.40 0.30 3/2041 12345" -> 2041 (every task of the system). */
export function loadavgTasks(text: string | undefined): number | undefined {
  const f = text?.trim().split(/\s+/)[3];
  const n = Number(f?.split("/")[1]);
  return Number.isInteger(n) && n > 0 ? n : undefined;
}

/** The inode of the initial PID namespace (the kernel's PROC_PID_INIT_INO). */
export const INIT_PID_NS = "pid:[4026531836]";

/**
 * Own PID namespace or the initial one: from the <procRoot>/self/ns/pid link
 * (the initial namespace has a fixed inode), else from NSpid listing more
 * than one PID (which a procfs mounted inside the namespace does not show).
 */
function namespaceOf(procRoot: string): "own" | "init" | "unknown" {
  const link = readLink(`${procRoot}/self/ns/pid`);
  if (link !== undefined) return link === INIT_PID_NS ? "init" : "own";
  const status = readText(`${procRoot}/self/status`, 1 << 16);
  const nspid = status === undefined ? undefined : statusField(status, "NSpid");
  if (nspid === undefined) return "unknown";
  return nspid.split(/\s+/).filter((x) => x !== "").length > 1 ? "own" : "unknown";
}

function ownCgroup(procRoot: string): CgroupMembership | undefined {
  const text = readText(`${procRoot}/self/cgroup`, 1 << 16);
  return text === undefined ? undefined : parseProcCgroup(text);
}
