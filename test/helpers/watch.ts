/** Sample a sandboxed command's thread count from outside (/proc/<pid>/task). */
import type { Sandbox } from "./sandbox.ts";

export interface ThreadWatch {
  /** Samples taken while the process existed. */
  samples: number;
  /** Highest thread count seen (0 if never seen). */
  max: number;
  /** Every count seen other than 1, with when (ms since the watch started). */
  anomalies: Array<{ atMs: number; threads: number }>;
  /** ms between the first and the last sample that saw the process. */
  spanMs: number;
}

export function watchThreads(sb: Sandbox, everyMs = 100): { stop(): ThreadWatch } {
  const t0 = Date.now();
  const w: ThreadWatch = { samples: 0, max: 0, anomalies: [], spanMs: 0 };
  let first = -1;
  const sample = (): void => {
    const n = sb.threads();
    if (n === undefined) return;
    const at = Date.now() - t0;
    if (first < 0) first = at;
    w.spanMs = at - first;
    w.samples++;
    w.max = Math.max(w.max, n);
    if (n !== 1) w.anomalies.push({ atMs: at, threads: n });
  };
  sample();
  const timer = setInterval(sample, everyMs);
  return {
    stop(): ThreadWatch {
      clearInterval(timer);
      sample();
      return w;
    },
  };
}
