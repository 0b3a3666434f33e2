/**
 * Variables stage 1 (boot.ts) passes down the exec chain besides the safe
 * mode's own (safe-env.ts). Like every PIDRESCUE_* variable they are not
 * handed to the shell. Import-free: stage 1 uses them before anything is
 * loaded.
 */

/** The nice value pidrescue was started with, before stage 1 raised it (execshell.ts gives it back). */
export const INHERITED_NICE_VAR = "PIDRESCUE_INHERITED_NICE";

/**
 * The boot trace: when each image's first line of JS ran, epoch ms, e.g.
 * "s1=1796075180813,s2=1796075180820" (stage 1, then the stage that exec'd
 * chrt), passed down the exec chain in PIDRESCUE_BOOT_TRACE. It costs one
 * Date.now() per hop and no I/O; benchmarks read it from outside
 * (/proc/PID/environ) to split start-up time between the hops.
 */
export const BOOT_TRACE_VAR = "PIDRESCUE_BOOT_TRACE";

/** The trace with one more hop appended (bounded: a loop of re-execs cannot grow it without end). */
export function bootTrace(prev: string | undefined, label: string, ms: number): string {
  const entry = `${label}=${ms}`;
  return prev === undefined || prev === "" || prev.length > 200 ? entry : `${prev},${entry}`;
}
