/**
 * The summary behind `ps`: processes grouped by a key (name by default),
 * biggest group first, so the offender is on top. Pure over a ProcTable.
 *
 * Built for the JIT-less interpreter and 4M rows: no object per row. One
 * pass counts rows per key (typed arrays, nameId as the key); the groups
 * are ordered by a native sort of packed numbers; only the groups that
 * will be shown get their details (states, users, sessions, process
 * groups, ages), from a second pass over their rows and a third over the
 * same rows laid out group by group (counting sort), where distinct values
 * are counted with stamp arrays instead of sets.
 */
import { PF_KTHREAD } from "../proc/stat.ts";
import type { ProcTable } from "../proc/table.ts";
import type { GroupKeys } from "./group-keys.ts";

/** State letters in the order a summary shows them; others follow in code order. */
export const STATE_ORDER = "RDSTtZIXxKWP";

export interface SummaryOptions {
  keys: GroupKeys;
  /** Count kernel threads as groups too (default: hidden, only counted). */
  kernelThreads?: boolean;
  /** Summarise only these rows (a selection), else the whole table. */
  rows?: Int32Array;
  /** Detail this many of the biggest groups (0 = all), or a function of the group count. The rest is only counted. */
  detail: number | ((groupCount: number) => number);
}

export interface GroupSummary {
  key: number;
  label: string;
  count: number;
  /** Sum of num_threads of the members. */
  tasks: number;
  /** [letter, count], most important letters first (STATE_ORDER). */
  states: Array<[string, number]>;
  /** Distinct owner uids in order of first appearance (at most MAX_UIDS kept). */
  uids: number[];
  userCount: number;
  sessions: number;
  pgrps: number;
  /** starttime (ticks after boot) of the oldest and the newest member. */
  oldestStart: number;
  newestStart: number;
  /** A member's row (the first in table order): for a cgroup sample. */
  firstRow: number;
  /** The most common names among the members (at most 3), for keys other than name. */
  names: Array<{ nameId: number; count: number }>;
  nameCount: number;
}

export interface Summary {
  by: GroupKeys["by"];
  /** Rows looked at (the table, or the selection). */
  rows: number;
  /** Rows counted in groups (kernel threads excluded unless asked). */
  processes: number;
  /** Sum of num_threads over every row looked at, kernel threads included: tasks holding a PID. */
  tasks: number;
  kernelThreads: number;
  kernelHidden: boolean;
  groupCount: number;
  /** The detailed groups, biggest first (ties: first seen first). */
  groups: GroupSummary[];
  /** Groups not detailed, and their processes. */
  rest: { groups: number; processes: number };
}

export const MAX_UIDS = 8;
const NO_NAMES: Array<{ nameId: number; count: number }> = [];

/** Group `t` by `o.keys`; see the module comment for the cost model. */
export function summarize(t: ProcTable, o: SummaryOptions): Summary {
  const sub = o.rows;
  const m = sub === undefined ? t.count : sub.length;
  const hide = o.kernelThreads !== true;
  const key = o.keys.key ?? t.nameId;
  const G = o.keys.count;
  const cnt = new Int32Array(G);
  const flags = t.flags;
  const threads = t.threads;
  let tasks = 0;
  let kthreads = 0;
  // Pass 1: rows per key.
  for (let k = 0; k < m; k++) {
    const i = sub === undefined ? k : sub[k]!;
    tasks += threads[i]!;
    if ((flags[i]! & PF_KTHREAD) !== 0) {
      kthreads++;
      if (hide) continue;
    }
    cnt[key[i]!]!++;
  }
  const order = orderGroups(cnt);
  const processes = hide ? m - kthreads : m;
  const want = typeof o.detail === "function" ? o.detail(order.length) : o.detail;
  const nDetail = want > 0 ? Math.min(want, order.length) : order.length;
  const chosen = order.subarray(0, nDetail);
  const groups = nDetail <= FEW_GROUPS && fewFits(t, o, nDetail) ? detailFew(t, o, key, chosen, cnt) : detailGroups(t, o, key, chosen, cnt);
  let restProcs = 0;
  for (let r = nDetail; r < order.length; r++) restProcs += cnt[order[r]!]!;
  return {
    by: o.keys.by,
    rows: m,
    processes,
    tasks,
    kernelThreads: kthreads,
    kernelHidden: hide,
    groupCount: order.length,
    groups,
    rest: { groups: order.length - nDetail, processes: restProcs },
  };
}

/** Keys with a count, biggest first, ties by key: one native sort of count*2^23 + (2^23-1-key). */
export function orderGroups(cnt: Int32Array): Int32Array {
  let n = 0;
  for (let g = 0; g < cnt.length; g++) if (cnt[g]! > 0) n++;
  const packed = new Float64Array(n);
  const SHIFT = 8388608; // 2^23 > PID_MAX_LIMIT: keys and counts both fit
  let j = 0;
  for (let g = 0; g < cnt.length; g++) {
    const c = cnt[g]!;
    if (c > 0) packed[j++] = c * SHIFT + (SHIFT - 1 - g);
  }
  packed.sort();
  const out = new Int32Array(n);
  for (let r = 0; r < n; r++) out[r] = SHIFT - 1 - (packed[n - 1 - r]! % SHIFT);
  return out;
}

/** Up to this many detailed groups (a screenful) take the one-pass path with a bit per group. */
export const FEW_GROUPS = 31;

/** The one-pass path keeps a count per (group, name) for keys other than name: only while that stays small. */
function fewFits(t: ProcTable, o: SummaryOptions, d: number): boolean {
  return o.keys.by === "name" || d * t.names.size <= 1 << 22;
}

/**
 * Details of at most FEW_GROUPS groups in ONE pass over the rows, in any
 * order: a value (session, process group, uid slot, name) keeps a bit mask
 * of the groups that have seen it, so distinct counts need no sorting.
 */
function detailFew(t: ProcTable, o: SummaryOptions, key: Int32Array, chosen: Int32Array, cnt: Int32Array): GroupSummary[] {
  const D = chosen.length;
  if (D === 0) return [];
  const sub = o.rows;
  const m = sub === undefined ? t.count : sub.length;
  const hide = o.kernelThreads !== true;
  const want = new Int32Array(o.keys.count);
  for (let r = 0; r < D; r++) want[chosen[r]!] = r + 1;
  const tasks = new Float64Array(D);
  const oldest = new Float64Array(D).fill(Infinity);
  const newest = new Float64Array(D).fill(-Infinity);
  const first = new Int32Array(D).fill(-1);
  const stateCount = new Int32Array(D * 256);
  const sessions = new Int32Array(D);
  const pgrps = new Int32Array(D);
  const users = new Int32Array(D);
  const uidLists: number[][] = Array.from({ length: D }, () => []);
  const dense = Math.min(t.maxPid(), 4_194_304) + 1;
  const sidBits = new Int32Array(dense);
  const pgrpBits = new Int32Array(dense);
  const far = new Map<number, number>();
  const uidIndex = new Map<number, number>();
  let uidBits = new Int32Array(16);
  const wantNames = o.keys.by !== "name";
  const S = t.names.size;
  const nameCount = new Int32Array(wantNames ? D * S : 0);
  const nameBits = new Int32Array(wantNames ? S : 0);
  const touched: number[][] = Array.from({ length: D }, () => []);
  const { flags, threads, starttime, state, sid, pgrp, uid, nameId } = t;
  let lastUid = -1;
  let us = 0;
  for (let k = 0; k < m; k++) {
    const i = sub === undefined ? k : sub[k]!;
    if (hide && (flags[i]! & PF_KTHREAD) !== 0) continue;
    let r = want[key[i]!]!;
    if (r === 0) continue;
    r--;
    const bit = 1 << r;
    tasks[r] = tasks[r]! + threads[i]!;
    const st = starttime[i]!;
    if (st < oldest[r]!) oldest[r] = st;
    if (st > newest[r]!) newest[r] = st;
    if (first[r] === -1) first[r] = i;
    stateCount[(r << 8) | state[i]!]!++;
    const sv = sid[i]!;
    if (sv >= 0 && sv < dense) {
      const b = sidBits[sv]!;
      if ((b & bit) === 0) {
        sidBits[sv] = b | bit;
        sessions[r]!++;
      }
    } else if (farFirst(far, sv * 2, bit)) sessions[r]!++;
    const pv = pgrp[i]!;
    if (pv >= 0 && pv < dense) {
      const b = pgrpBits[pv]!;
      if ((b & bit) === 0) {
        pgrpBits[pv] = b | bit;
        pgrps[r]!++;
      }
    } else if (farFirst(far, pv * 2 + 1, bit)) pgrps[r]!++;
    const u = uid[i]!;
    if (u !== lastUid) {
      lastUid = u;
      let x = uidIndex.get(u);
      if (x === undefined) {
        x = uidIndex.size;
        uidIndex.set(u, x);
        if (x >= uidBits.length) {
          const bigger = new Int32Array(uidBits.length * 2);
          bigger.set(uidBits);
          uidBits = bigger;
        }
      }
      us = x;
    }
    const ub = uidBits[us]!;
    if ((ub & bit) === 0) {
      uidBits[us] = ub | bit;
      users[r]!++;
      if (uidLists[r]!.length < MAX_UIDS) uidLists[r]!.push(u);
    }
    if (wantNames) {
      const id = nameId[i]!;
      const nb = nameBits[id]!;
      if ((nb & bit) === 0) {
        nameBits[id] = nb | bit;
        touched[r]!.push(id);
      }
      nameCount[r * S + id]!++;
    }
  }
  const out: GroupSummary[] = [];
  for (let r = 0; r < D; r++) {
    const g = chosen[r]!;
    const seen: number[] = [];
    for (let c = 0; c < 256; c++) if (stateCount[(r << 8) | c]! > 0) seen.push(c);
    const names = touched[r]!.map((id) => ({ nameId: id, count: nameCount[r * S + id]! }));
    names.sort((a, b) => b.count - a.count || a.nameId - b.nameId);
    out.push({
      key: g,
      label: o.keys.label(g),
      count: cnt[g]!,
      tasks: tasks[r]!,
      states: statesOf(stateCount.subarray(r << 8, (r + 1) << 8), seen),
      uids: uidLists[r]!,
      userCount: users[r]!,
      sessions: sessions[r]!,
      pgrps: pgrps[r]!,
      oldestStart: oldest[r]!,
      newestStart: newest[r]!,
      firstRow: first[r]!,
      names: names.length === 0 ? NO_NAMES : names.slice(0, 3),
      nameCount: touched[r]!.length,
    });
  }
  return out;
}

/** For values outside the dense range: true the first time group `bit` sees `v`. */
function farFirst(far: Map<number, number>, v: number, bit: number): boolean {
  const b = far.get(v) ?? 0;
  if ((b & bit) !== 0) return false;
  far.set(v, b | bit);
  return true;
}

/** Details of any number of groups: members laid out group by group (counting sort), then distinct values with stamps. */
function detailGroups(t: ProcTable, o: SummaryOptions, key: Int32Array, chosen: Int32Array, cnt: Int32Array): GroupSummary[] {
  const D = chosen.length;
  if (D === 0) return [];
  const sub = o.rows;
  const m = sub === undefined ? t.count : sub.length;
  const hide = o.kernelThreads !== true;
  const want = new Int32Array(o.keys.count);
  const pos = new Int32Array(D);
  let total = 0;
  for (let r = 0; r < D; r++) {
    want[chosen[r]!] = r + 1;
    pos[r] = total;
    total += cnt[chosen[r]!]!;
  }
  const start = pos.slice();
  const tasks = new Float64Array(D);
  const oldest = new Float64Array(D).fill(Infinity);
  const newest = new Float64Array(D).fill(-Infinity);
  const first = new Int32Array(D).fill(-1);
  const rowsOf = new Int32Array(total);
  const { flags, threads, starttime } = t;
  // Pass 2: per-group sums, and the members laid out group by group.
  for (let k = 0; k < m; k++) {
    const i = sub === undefined ? k : sub[k]!;
    if (hide && (flags[i]! & PF_KTHREAD) !== 0) continue;
    let r = want[key[i]!]!;
    if (r === 0) continue;
    r--;
    tasks[r] = tasks[r]! + threads[i]!;
    const st = starttime[i]!;
    if (st < oldest[r]!) oldest[r] = st;
    if (st > newest[r]!) newest[r] = st;
    if (first[r] === -1) first[r] = i;
    rowsOf[pos[r]!++] = i;
  }
  const distinct = new DistinctCounts(t, o.keys.by !== "name");
  const out: GroupSummary[] = [];
  for (let r = 0; r < D; r++) {
    const d = distinct.count(rowsOf, start[r]!, pos[r]!, r + 1);
    const g = chosen[r]!;
    out.push({
      key: g,
      label: o.keys.label(g),
      count: cnt[g]!,
      tasks: tasks[r]!,
      states: d.states,
      uids: d.uids,
      userCount: d.userCount,
      sessions: d.sessions,
      pgrps: d.pgrps,
      oldestStart: oldest[r]!,
      newestStart: newest[r]!,
      firstRow: first[r]!,
      names: d.names,
      nameCount: d.nameCount,
    });
  }
  return out;
}

/** [letter, count] of the letters seen, most important first. */
function statesOf(counts: Int32Array, seen: number[]): Array<[string, number]> {
  if (seen.length === 1) return [[String.fromCharCode(seen[0]!), counts[seen[0]!]!]];
  const letters = seen.map((c) => String.fromCharCode(c));
  const rank = (l: string): number => {
    const i = STATE_ORDER.indexOf(l);
    return i < 0 ? 100 + l.charCodeAt(0) : i;
  };
  letters.sort((a, b) => rank(a) - rank(b));
  return letters.map((l) => [l, counts[l.charCodeAt(0)]!]);
}

/**
 * States, and distinct uids, sessions, process groups (and names), of one group's rows,
 * with stamp arrays: stamp[value] === group's stamp means "seen in this
 * group". Values beyond the dense range (hand-made fixtures) go to a Map.
 */
class DistinctCounts {
  private readonly dense: number;
  private readonly sidStamp: Int32Array;
  private readonly pgrpStamp: Int32Array;
  private readonly far = new Map<number, number>();
  private readonly uidIndex = new Map<number, number>();
  private uidStamp = new Int32Array(16);
  private readonly nameStamp: Int32Array;
  private readonly nameCount: Int32Array;
  private readonly stateCount = new Int32Array(256);

  constructor(
    private readonly t: ProcTable,
    private readonly wantNames: boolean,
  ) {
    this.dense = Math.min(t.maxPid(), 4_194_304) + 1;
    this.sidStamp = new Int32Array(this.dense);
    this.pgrpStamp = new Int32Array(this.dense);
    this.nameStamp = new Int32Array(wantNames ? t.names.size : 0);
    this.nameCount = new Int32Array(wantNames ? t.names.size : 0);
  }

  count(rows: Int32Array, from: number, to: number, stamp: number) {
    const { sid, pgrp, uid, nameId, state } = this.t;
    const sc = this.stateCount;
    const letters: number[] = [];
    const dense = this.dense;
    const ss = this.sidStamp;
    const ps = this.pgrpStamp;
    let sessions = 0;
    let pgrps = 0;
    let userCount = 0;
    const uids: number[] = [];
    const touched: number[] = [];
    let lastUid = -1;
    let ui = 0;
    for (let k = from; k < to; k++) {
      const i = rows[k]!;
      const c = state[i]!;
      if (sc[c]!++ === 0) letters.push(c);
      const s = sid[i]!;
      if (s >= 0 && s < dense) {
        if (ss[s] !== stamp) {
          ss[s] = stamp;
          sessions++;
        }
      } else if (this.farSeen(s * 2, stamp)) sessions++;
      const p = pgrp[i]!;
      if (p >= 0 && p < dense) {
        if (ps[p] !== stamp) {
          ps[p] = stamp;
          pgrps++;
        }
      } else if (this.farSeen(p * 2 + 1, stamp)) pgrps++;
      const u = uid[i]!;
      if (u !== lastUid) {
        lastUid = u;
        ui = this.uidSlot(u);
      }
      if (this.uidStamp[ui] !== stamp) {
        this.uidStamp[ui] = stamp;
        userCount++;
        if (uids.length < MAX_UIDS) uids.push(u);
      }
      if (this.wantNames) {
        const id = nameId[i]!;
        if (this.nameStamp[id] !== stamp) {
          this.nameStamp[id] = stamp;
          this.nameCount[id] = 0;
          touched.push(id);
        }
        this.nameCount[id]!++;
      }
    }
    const states = statesOf(sc, letters);
    for (const c of letters) sc[c] = 0;
    return { states, sessions, pgrps, userCount, uids, names: touched.length === 0 ? NO_NAMES : this.topNames(touched), nameCount: touched.length };
  }

  private topNames(touched: number[]): Array<{ nameId: number; count: number }> {
    const names = touched.map((id) => ({ nameId: id, count: this.nameCount[id]! }));
    names.sort((a, b) => b.count - a.count || a.nameId - b.nameId);
    return names.slice(0, 3);
  }

  /** True the first time `v` is seen with this stamp. */
  private farSeen(v: number, stamp: number): boolean {
    if (this.far.get(v) === stamp) return false;
    this.far.set(v, stamp);
    return true;
  }

  private uidSlot(u: number): number {
    let i = this.uidIndex.get(u);
    if (i === undefined) {
      i = this.uidIndex.size;
      this.uidIndex.set(u, i);
      if (i >= this.uidStamp.length) {
        const b = new Int32Array(this.uidStamp.length * 2);
        b.set(this.uidStamp);
        this.uidStamp = b;
      }
    }
    return i;
  }
}
