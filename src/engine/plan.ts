/**
 * The plan: which matches get signalled, by which strategy, and what is
 * protected. Computed from one scan before any signal is sent; printed by
 * `rescue` (and `--dry-run`) and followed by the freeze engine.
 *
 * Strategy order, most atomic first:
 *  1. cgroup: a cgroup (v2, or the v1 freezer) whose whole subtree holds
 *     only targets -> cgroup.freeze / freezer.state, later cgroup.kill.
 *  2. process group: every member of the group is a target, none is
 *     protected, the id is > 1 and not our own -> kill(-pgid, SIGSTOP),
 *     which the kernel makes atomic against a concurrent fork.
 *  3. per PID: sweeps until a fixed point.
 */
import type { ProcTable } from "../proc/table.ts";
import type { ProtectedSet } from "./protect.ts";
import type { CgroupTarget, GroupTarget, Matcher, Plan, ProcRef } from "./types.ts";
import { findCgroupTargets } from "./cgroup-plan.ts";
import { appendPid } from "./rows.ts";

export interface PlanOptions {
  selector: string;
  procRoot: string;
  /** --include-protected: the daemon class may be signalled. */
  allowDaemons: boolean;
  /** Try the cgroup strategy (needs the real /proc and a writable cgroupfs). */
  useCgroups: boolean;
}

export function makePlan(table: ProcTable, match: Matcher, protect: ProtectedSet, o: PlanOptions): Plan {
  const targets: ProcRef[] = [];
  const targetRow = new Map<number, number>();
  const protectedHits: Plan["protectedHits"] = [];
  const suspicious: Plan["suspicious"] = [];
  let matched = 0;
  let zombies = 0;
  const names = new Map<string, number>();
  const n = table.count;
  for (let i = 0; i < n; i++) {
    if (!match(table, i)) continue;
    matched++;
    const ref = refOf(table, i);
    const reason = protect.reason({ pid: ref.pid, ppid: table.ppid[i]!, starttime: ref.starttime, flags: table.flags[i]!, comm: ref.comm }, o.allowDaemons);
    if (reason !== undefined) {
      protectedHits.push({ ...ref, reason });
      continue;
    }
    if (table.state[i] === 90 /* Z */ || table.state[i] === 88 /* X */) {
      zombies++;
      continue;
    }
    if (protect.suspicious.has(ref.pid)) suspicious.push({ ...ref, exe: null });
    targets.push(ref);
    targetRow.set(ref.pid, i);
    names.set(ref.comm, (names.get(ref.comm) ?? 0) + 1);
  }
  // Suspicious processes are shown even when the selection missed them.
  for (const [pid, comm] of protect.suspicious) {
    if (targetRow.has(pid)) continue;
    const row = table.indexOf(pid);
    if (row >= 0) suspicious.push({ ...refOf(table, row), exe: null, comm });
  }

  // A PID the scan did not see (a bomb keeps forking): read it now and judge it like the rest.
  const isTarget = (pid: number): boolean => {
    if (targetRow.has(pid)) return true;
    let row = table.indexOf(pid);
    if (row >= 0) return false;
    row = appendPid(table, o.procRoot, pid);
    if (row < 0 || !match(table, row) || table.state[row] === 90) return false;
    const ref = refOf(table, row);
    if (protect.reason({ pid, ppid: table.ppid[row]!, starttime: ref.starttime, flags: table.flags[row]!, comm: ref.comm }, o.allowDaemons) !== undefined) return false;
    targets.push(ref);
    targetRow.set(pid, row);
    matched++;
    return true;
  };
  const covered = new Set<number>();
  const cgroups: CgroupTarget[] =
    o.useCgroups && targets.length > 0 ? findCgroupTargets(targets.map((t) => t.pid), isTarget, o.procRoot) : [];
  for (const c of cgroups) for (const p of c.pids) covered.add(p);
  const groups = findGroupTargets(table, targetRow, protect, covered);
  for (const g of groups) for (const p of g.pids) covered.add(p);

  return {
    selector: o.selector,
    matched,
    targets,
    zombies,
    protectedHits,
    suspicious,
    cgroups,
    groups,
    perPid: targets.filter((t) => !covered.has(t.pid)).length,
    byName: [...names].map(([name, count]) => ({ name, count })).sort((a, b) => b.count - a.count),
    ancestors: protect.ancestors(),
  };
}

/** Process groups made only of targets (none protected, none bystanders). */
export function findGroupTargets(table: ProcTable, targetRow: Map<number, number>, protect: ProtectedSet, covered: Set<number>): GroupTarget[] {
  const all = new Map<number, number>();
  for (let i = 0; i < table.count; i++) {
    if (table.state[i] === 90) continue; // zombies do not hold a group open for signals
    const g = table.pgrp[i]!;
    all.set(g, (all.get(g) ?? 0) + 1);
  }
  const members = new Map<number, number[]>();
  for (const [pid, row] of targetRow) {
    if (covered.has(pid)) continue;
    const g = table.pgrp[row]!;
    if (protect.isForbiddenGroup(g)) continue;
    let list = members.get(g);
    if (list === undefined) members.set(g, (list = []));
    list.push(pid);
  }
  const out: GroupTarget[] = [];
  for (const [pgid, pids] of members) {
    if (pids.length !== all.get(pgid)) continue; // a bystander or a protected process shares the group
    // Only worth it when it covers more than one process.
    if (pids.length < 2) continue;
    out.push({ pgid, pids });
  }
  return out.sort((a, b) => b.pids.length - a.pids.length);
}

export function refOf(table: ProcTable, i: number): ProcRef {
  return { pid: table.pid[i]!, pgrp: table.pgrp[i]!, starttime: table.starttime[i]!, comm: table.name(i), uid: table.uid[i]! };
}
