/**
 * Details of a screenful of groups (at most FEW_GROUPS) in ONE pass over
 * the rows, in any order: every value (session, process group, uid slot,
 * name) keeps a bit mask of the groups that have seen it, so distinct
 * counts need no sorting. Blocks of rows that share group and flags (a
 * bomb's runs) are handled with native block tests (blocks.ts): a value
 * that is the same over the block is marked once.
 */
import { PF_KTHREAD } from "../proc/stat.ts";
import type { ProcTable } from "../proc/table.ts";
import { BLOCK, Uniform, maxOf, minOf } from "./blocks.ts";
import { type GroupSummary, MAX_UIDS, NO_NAMES, type SummaryOptions, statesOf } from "./summary-types.ts";

/** Up to this many detailed groups take this path (one bit each in an Int32). */
export const FEW_GROUPS = 31;

/** This path keeps a count per (group, name) for keys other than name: only while that stays small. */
export function fewFits(t: ProcTable, o: SummaryOptions, d: number): boolean {
  return d <= FEW_GROUPS && (o.keys.by === "name" || d * t.names.size <= 1 << 22);
}

export function detailFew(t: ProcTable, o: SummaryOptions, key: Int32Array, chosen: Int32Array, cnt: Int32Array): GroupSummary[] {
  const D = chosen.length;
  if (D === 0) return [];
  const sub = o.rows;
  const m = sub === undefined ? t.count : sub.length;
  const hide = o.kernelThreads !== true;
  const want = new Int32Array(o.keys.count);
  for (let r = 0; r < D; r++) want[chosen[r]!] = r + 1;
  const acc = new Acc(t, D, o.keys.by !== "name");
  const { tasks, oldest, newest, first, stateCount, sessions, pgrps, sidBits, pgrpBits, nameCount, nameBits } = acc;
  const dense = acc.dense;
  const S = acc.S;
  const wantNames = acc.wantNames;
  const { flags, threads, starttime, state, sid, pgrp, uid, nameId } = t;
  const u = {
    key: new Uniform(key),
    flags: new Uniform(flags),
    threads: new Uniform(threads),
    state: new Uniform(state),
    sid: new Uniform(sid),
    pgrp: new Uniform(pgrp),
    uid: new Uniform(uid),
    name: new Uniform(nameId),
  };
  for (let a = 0; a < m; a += BLOCK) {
    const b = a + BLOCK < m ? a + BLOCK : m;
    if (sub === undefined && u.key.all(a, b) && u.flags.all(a, b)) {
      // One group, one kind (kernel thread or not) for the whole block.
      if (hide && (flags[a]! & PF_KTHREAD) !== 0) continue;
      const r0 = want[key[a]!]!;
      if (r0 === 0) continue;
      const r = r0 - 1;
      const n = b - a;
      tasks[r] = tasks[r]! + (u.threads.all(a, b) ? threads[a]! * n : sum(threads, a, b));
      const lo = minOf(starttime, a, b);
      const hi = maxOf(starttime, a, b);
      if (lo < oldest[r]!) oldest[r] = lo;
      if (hi > newest[r]!) newest[r] = hi;
      if (first[r] === -1) first[r] = a;
      if (u.state.all(a, b)) stateCount[(r << 8) | state[a]!] = stateCount[(r << 8) | state[a]!]! + n;
      else for (let i = a; i < b; i++) stateCount[(r << 8) | state[i]!]!++;
      if (u.sid.all(a, b)) acc.markPid(sidBits, sessions, sid[a]!, 0, r);
      else markPids(acc, sid, sidBits, sessions, 0, a, b, r);
      if (u.pgrp.all(a, b)) acc.markPid(pgrpBits, pgrps, pgrp[a]!, 1, r);
      else markPids(acc, pgrp, pgrpBits, pgrps, 1, a, b, r);
      if (u.uid.all(a, b)) acc.markUid(uid[a]!, r);
      else for (let i = a; i < b; i++) acc.markUid(uid[i]!, r);
      if (wantNames) {
        if (u.name.all(a, b)) acc.markName(nameId[a]!, r, n);
        else for (let i = a; i < b; i++) acc.markName(nameId[i]!, r, 1);
      }
      continue;
    }
    // Row by row (mixed block, or a selection): the same work inline.
    for (let k = a; k < b; k++) {
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
        const x = sidBits[sv]!;
        if ((x & bit) === 0) {
          sidBits[sv] = x | bit;
          sessions[r]!++;
        }
      } else acc.markPid(sidBits, sessions, sv, 0, r);
      const pv = pgrp[i]!;
      if (pv >= 0 && pv < dense) {
        const x = pgrpBits[pv]!;
        if ((x & bit) === 0) {
          pgrpBits[pv] = x | bit;
          pgrps[r]!++;
        }
      } else acc.markPid(pgrpBits, pgrps, pv, 1, r);
      acc.markUid(uid[i]!, r);
      if (wantNames) {
        const id = nameId[i]!;
        const nb = nameBits[id]!;
        if ((nb & bit) === 0) {
          nameBits[id] = nb | bit;
          acc.touched[r]!.push(id);
        }
        nameCount[r * S + id]!++;
      }
    }
  }
  return acc.result(chosen, cnt, (g) => o.keys.label(g));
}

/** markPid for rows [a, b) of one group, with the common case inline (a setsid bomb varies here on every row). */
function markPids(acc: Acc, col: Int32Array, bits: Int32Array, counts: Int32Array, tag: number, a: number, b: number, r: number): void {
  const bit = 1 << r;
  const dense = acc.dense;
  let n = 0;
  for (let i = a; i < b; i++) {
    const v = col[i]!;
    if (v >= 0 && v < dense) {
      const x = bits[v]!;
      if ((x & bit) === 0) {
        bits[v] = x | bit;
        n++;
      }
    } else acc.markPid(bits, counts, v, tag, r);
  }
  counts[r] = counts[r]! + n;
}

function sum(col: Int32Array, a: number, b: number): number {
  let s = 0;
  for (let i = a; i < b; i++) s += col[i]!;
  return s;
}

/** The per-group accumulators and the bit masks per value. */
class Acc {
  readonly tasks: Float64Array;
  readonly oldest: Float64Array;
  readonly newest: Float64Array;
  readonly first: Int32Array;
  readonly stateCount: Int32Array;
  readonly sessions: Int32Array;
  readonly pgrps: Int32Array;
  readonly users: Int32Array;
  readonly uidLists: number[][];
  readonly dense: number;
  readonly sidBits: Int32Array;
  readonly pgrpBits: Int32Array;
  readonly S: number;
  readonly nameCount: Int32Array;
  readonly nameBits: Int32Array;
  readonly touched: number[][];
  private readonly far = new Map<number, number>();
  private readonly uidIndex = new Map<number, number>();
  private uidBits = new Int32Array(16);
  private lastUid = -1;
  private lastSlot = 0;

  constructor(
    t: ProcTable,
    private readonly D: number,
    readonly wantNames: boolean,
  ) {
    this.tasks = new Float64Array(D);
    this.oldest = new Float64Array(D).fill(Infinity);
    this.newest = new Float64Array(D).fill(-Infinity);
    this.first = new Int32Array(D).fill(-1);
    this.stateCount = new Int32Array(D * 256);
    this.sessions = new Int32Array(D);
    this.pgrps = new Int32Array(D);
    this.users = new Int32Array(D);
    this.uidLists = Array.from({ length: D }, () => []);
    this.dense = Math.min(t.maxPid(), 4_194_304) + 1;
    this.sidBits = new Int32Array(this.dense);
    this.pgrpBits = new Int32Array(this.dense);
    this.S = t.names.size;
    this.nameCount = new Int32Array(wantNames ? D * this.S : 0);
    this.nameBits = new Int32Array(wantNames ? this.S : 0);
    this.touched = Array.from({ length: D }, () => []);
  }

  /** Count value v (a PID: session or process group) once for group r. `tag` keeps sessions and groups apart beyond the dense range. */
  markPid(bits: Int32Array, counts: Int32Array, v: number, tag: number, r: number): void {
    const bit = 1 << r;
    if (v >= 0 && v < this.dense) {
      const x = bits[v]!;
      if ((x & bit) !== 0) return;
      bits[v] = x | bit;
    } else {
      const k = v * 2 + tag;
      const x = this.far.get(k) ?? 0;
      if ((x & bit) !== 0) return;
      this.far.set(k, x | bit);
    }
    counts[r]!++;
  }

  markUid(u: number, r: number): void {
    if (u !== this.lastUid) {
      this.lastUid = u;
      let x = this.uidIndex.get(u);
      if (x === undefined) {
        x = this.uidIndex.size;
        this.uidIndex.set(u, x);
        if (x >= this.uidBits.length) {
          const bigger = new Int32Array(this.uidBits.length * 2);
          bigger.set(this.uidBits);
          this.uidBits = bigger;
        }
      }
      this.lastSlot = x;
    }
    const bit = 1 << r;
    const ub = this.uidBits[this.lastSlot]!;
    if ((ub & bit) !== 0) return;
    this.uidBits[this.lastSlot] = ub | bit;
    this.users[r]!++;
    if (this.uidLists[r]!.length < MAX_UIDS) this.uidLists[r]!.push(u);
  }

  markName(id: number, r: number, n: number): void {
    const bit = 1 << r;
    const nb = this.nameBits[id]!;
    if ((nb & bit) === 0) {
      this.nameBits[id] = nb | bit;
      this.touched[r]!.push(id);
    }
    this.nameCount[r * this.S + id] = this.nameCount[r * this.S + id]! + n;
  }

  result(chosen: Int32Array, cnt: Int32Array, label: (g: number) => string): GroupSummary[] {
    const out: GroupSummary[] = [];
    for (let r = 0; r < this.D; r++) {
      const g = chosen[r]!;
      const seen: number[] = [];
      for (let c = 0; c < 256; c++) if (this.stateCount[(r << 8) | c]! > 0) seen.push(c);
      const names = this.touched[r]!.map((id) => ({ nameId: id, count: this.nameCount[r * this.S + id]! }));
      names.sort((a, b) => b.count - a.count || a.nameId - b.nameId);
      out.push({
        key: g,
        label: label(g),
        count: cnt[g]!,
        tasks: this.tasks[r]!,
        states: statesOf(this.stateCount.subarray(r << 8, (r + 1) << 8), seen),
        uids: this.uidLists[r]!,
        userCount: this.users[r]!,
        sessions: this.sessions[r]!,
        pgrps: this.pgrps[r]!,
        oldestStart: this.oldest[r]!,
        newestStart: this.newest[r]!,
        firstRow: this.first[r]!,
        names: names.length === 0 ? NO_NAMES : names.slice(0, 3),
        nameCount: this.touched[r]!.length,
      });
    }
    return out;
  }
}
