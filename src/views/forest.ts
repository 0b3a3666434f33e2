/**
 * Parent/children links of a table (by ppid) in compressed arrays, and the
 * number of descendants of every row: O(rows), no object per row.
 */
import type { ProcTable } from "../proc/table.ts";

export interface Forest {
  /** Row of the parent, -1 for a root (PID 1, kthreadd, an orphan of another namespace). */
  parent: Int32Array;
  /** Children of row r: kids[first[r] .. first[r + 1]), in table (PID) order. */
  first: Int32Array;
  kids: Int32Array;
  /** Descendants of each row (not counting itself). */
  descendants: Int32Array;
  /** Rows reachable from a root, parents before children (breadth first). */
  order: Int32Array;
}

export function buildForest(t: ProcTable): Forest {
  const n = t.count;
  const parent = new Int32Array(n);
  const first = new Int32Array(n + 1);
  const { pid, ppid } = t;
  let lastPp = -1;
  let lastP = -1;
  for (let r = 0; r < n; r++) {
    const pp = ppid[r]!;
    // Siblings are adjacent in PID order (a farm, a bomb): look the parent up once per run.
    if (pp !== lastPp) {
      lastPp = pp;
      lastP = pp <= 0 ? -1 : t.indexOf(pp);
    }
    const p = pp === pid[r] ? -1 : lastP;
    parent[r] = p;
    if (p >= 0) first[p + 1]!++;
  }
  for (let p = 0; p < n; p++) first[p + 1] = first[p + 1]! + first[p]!;
  const fill = first.slice(0, n);
  const kids = new Int32Array(first[n]!);
  for (let r = 0; r < n; r++) {
    const p = parent[r]!;
    if (p >= 0) kids[fill[p]!++] = r;
  }
  // Breadth-first from the roots, then sizes in reverse order (children before parents).
  const order = new Int32Array(n);
  let len = 0;
  for (let r = 0; r < n; r++) if (parent[r] === -1) order[len++] = r;
  for (let h = 0; h < len; h++) {
    const r = order[h]!;
    for (let k = first[r]!; k < first[r + 1]!; k++) order[len++] = kids[k]!;
  }
  const descendants = new Int32Array(n);
  for (let h = len - 1; h >= 0; h--) {
    const r = order[h]!;
    const p = parent[r]!;
    if (p >= 0) descendants[p] = descendants[p]! + descendants[r]! + 1;
  }
  return { parent, first, kids, descendants, order: order.subarray(0, len) };
}

/** Rows from the root down to the parent of `row` (empty for a root). Stops on a loop. */
export function ancestorsOf(f: Forest, row: number): number[] {
  const chain: number[] = [];
  const seen = new Set<number>([row]);
  for (let p = f.parent[row]!; p >= 0 && !seen.has(p); p = f.parent[p]!) {
    seen.add(p);
    chain.push(p);
  }
  return chain.reverse();
}

/** Children rows of `row`. */
export function childrenOf(f: Forest, row: number): Int32Array {
  return f.kids.subarray(f.first[row]!, f.first[row + 1]!);
}
