/**
 * Details of any number of groups (--json, --limit 0): the members of the
 * chosen groups are laid out group by group with a counting sort, then
 * each group's distinct sessions, process groups, users and names are
 * counted with stamp arrays (stamp[value] === the group's stamp: seen).
 */
import { PF_KTHREAD } from "../proc/stat.ts";
import type { ProcTable } from "../proc/table.ts";
import { type GroupSummary, MAX_UIDS, NO_NAMES, type SummaryOptions, statesOf } from "./summary-types.ts";

/** Details of any number of groups: members laid out group by group (counting sort), then distinct values with stamps. */
export function detailGroups(t: ProcTable, o: SummaryOptions, key: Int32Array, chosen: Int32Array, cnt: Int32Array): GroupSummary[] {
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
