/**
 * The boot trace: when each image's first line of JS ran, epoch ms, e.g.
 * "s1=1796075180813,s2=1796075180820" (stage 1, then the stage that exec'd
 * chrt), passed down the exec chain in PIDRESCUE_BOOT_TRACE. It costs one
 * Date.now() per hop and no I/O; benchmarks read it from outside
 * (/proc/PID/environ) to split start-up time between the hops. Like the other
 * PIDRESCUE_* variables it is not handed to the shell (safe-env.ts).
 * Import-free: stage 1 uses it before anything is loaded.
 */
export const BOOT_TRACE_VAR = "PIDRESCUE_BOOT_TRACE";

/** The trace with one more hop appended (bounded: a loop of re-execs cannot grow it without end). */
export function bootTrace(prev: string | undefined, label: string, ms: number): string {
  const entry = `${label}=${ms}`;
  return prev === undefined || prev === "" || prev.length > 200 ? entry : `${prev},${entry}`;
}
