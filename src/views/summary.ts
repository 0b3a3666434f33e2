/**
 * The summary behind `ps`: processes grouped by a key (name by default),
 * biggest group first, so the offender is on top. Pure over a ProcTable.
 *
 * Built for the JIT-less interpreter and 4M rows: no object per row.
 *  1. one pass counts rows per key (typed arrays; nameId is the key for
 *     --by name), taking whole blocks at once where a native block test
 *     shows one key and one kind of task (blocks.ts: a bomb's runs);
 *  2. the groups are ordered by a native sort of packed numbers;
 *  3. only the groups that will be shown get details (states, users,
 *     sessions, process groups, ages, names): a screenful in one more pass
 *     with a bit per group (summary-few.ts), any number with a counting
 *     sort and stamp arrays (summary-many.ts).
 */
import { PF_KTHREAD } from "../proc/stat.ts";
import type { ProcTable } from "../proc/table.ts";
import { BLOCK, Uniform } from "./blocks.ts";
import { detailFew, fewFits } from "./summary-few.ts";
import { detailGroups } from "./summary-many.ts";
import type { Summary, SummaryOptions } from "./summary-types.ts";

export { FEW_GROUPS } from "./summary-few.ts";
export { MAX_UIDS, STATE_ORDER, type GroupSummary, type Summary, type SummaryOptions } from "./summary-types.ts";

/** Group `t` by `o.keys`; see the module comment for the cost model. */
export function summarize(t: ProcTable, o: SummaryOptions): Summary {
  const sub = o.rows;
  const m = sub === undefined ? t.count : sub.length;
  const hide = o.kernelThreads !== true;
  const key = o.keys.key ?? t.nameId;
  const cnt = new Int32Array(o.keys.count);
  const { flags, threads } = t;
  const uKey = new Uniform(key);
  const uFlags = new Uniform(flags);
  const uThreads = new Uniform(threads);
  let tasks = 0;
  let kthreads = 0;
  for (let a = 0; a < m; a += BLOCK) {
    const b = a + BLOCK < m ? a + BLOCK : m;
    if (sub === undefined && uKey.all(a, b) && uFlags.all(a, b)) {
      const n = b - a;
      if (uThreads.all(a, b)) tasks += threads[a]! * n;
      else for (let i = a; i < b; i++) tasks += threads[i]!;
      if ((flags[a]! & PF_KTHREAD) !== 0) {
        kthreads += n;
        if (hide) continue;
      }
      cnt[key[a]!] = cnt[key[a]!]! + n;
      continue;
    }
    for (let k = a; k < b; k++) {
      const i = sub === undefined ? k : sub[k]!;
      tasks += threads[i]!;
      if ((flags[i]! & PF_KTHREAD) !== 0) {
        kthreads++;
        if (hide) continue;
      }
      cnt[key[i]!]!++;
    }
  }
  const order = orderGroups(cnt);
  const want = typeof o.detail === "function" ? o.detail(order.length) : o.detail;
  const nDetail = want > 0 ? Math.min(want, order.length) : order.length;
  const chosen = order.subarray(0, nDetail);
  const groups = fewFits(t, o, nDetail) ? detailFew(t, o, key, chosen, cnt) : detailGroups(t, o, key, chosen, cnt);
  let restProcs = 0;
  for (let r = nDetail; r < order.length; r++) restProcs += cnt[order[r]!]!;
  return {
    by: o.keys.by,
    rows: m,
    processes: hide ? m - kthreads : m,
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
