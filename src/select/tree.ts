/** tree=PID: a row mask of PIDs and all their descendants (by ppid), O(rows). */
import type { ProcTable } from "../proc/table.ts";

export function descendantsMask(t: ProcTable, pids: readonly number[]): Uint8Array {
  const n = t.count;
  const mask = new Uint8Array(n);
  // children of each row, compressed: kids[first[p] .. first[p + 1]) for row p
  const parent = new Int32Array(n);
  const first = new Int32Array(n + 1);
  const dense = t.pidIndex();
  const pid = t.pid;
  const ppid = t.ppid;
  for (let r = 0; r < n; r++) {
    const pp = ppid[r]!;
    let p = -1;
    if (pp !== pid[r]) p = dense !== undefined ? (pp < dense.length ? dense[pp]! - 1 : -1) : t.indexOf(pp);
    parent[r] = p;
    if (p >= 0) first[p + 1]!++;
  }
  for (let p = 0; p < n; p++) first[p + 1]! += first[p]!;
  const fill = first.slice(0, n);
  const kids = new Int32Array(first[n]!);
  for (let r = 0; r < n; r++) {
    const p = parent[r]!;
    if (p >= 0) kids[fill[p]!++] = r;
  }
  const stack: number[] = [];
  for (const pid of pids) {
    const r = t.indexOf(pid);
    if (r >= 0 && mask[r] === 0) {
      mask[r] = 1;
      stack.push(r);
    }
  }
  while (stack.length > 0) {
    const r = stack.pop()!;
    for (let k = first[r]!; k < first[r + 1]!; k++) {
      const c = kids[k]!;
      if (mask[c] === 0) {
        mask[c] = 1;
        stack.push(c);
      }
    }
  }
  return mask;
}
