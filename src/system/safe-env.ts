/**
 * The environment that makes the Bun runtime start no thread: JIT off,
 * concurrent GC off, one GC marker (measured: one thread through 40 s of
 * heavy allocation). Used by stage 1 (boot.ts), `doctor` and `shell`.
 * Must stay import-free and touch nothing but its arguments.
 */

export const SAFE_JSC_ENV = {
  BUN_JSC_useJIT: "0",
  BUN_JSC_useConcurrentGC: "0",
  BUN_JSC_numberOfGCMarkers: "1",
} as const;

/** Set by stage 1 for stage 2: "2" = re-exec'd into the safe mode. */
export const STAGE_VAR = "PIDRESCUE_STAGE";
/** JSON of the inherited variables stage 1 removed, for `shell`. */
export const SAVED_ENV_VAR = "PIDRESCUE_SAVED_ENV";
/** Set when the boot path went through chrt (e.g. "fifo:10"). */
export const BOOST_VAR = "PIDRESCUE_BOOST";

/** Inherited variables that can change how the runtime starts. */
export function isStrippedVar(key: string): boolean {
  return (
    key.startsWith("BUN_") ||
    key === "NODE_OPTIONS" ||
    key.startsWith("MIMALLOC_") ||
    key === "UV_THREADPOOL_SIZE"
  );
}

/** True when this runtime was started with exactly the safe options and nothing else that matters. */
export function isSafeEnv(env: Record<string, string | undefined>): boolean {
  if (env[STAGE_VAR] === undefined) return false;
  for (const key in env) {
    if (!isStrippedVar(key)) continue;
    const want = (SAFE_JSC_ENV as Record<string, string>)[key];
    if (want === undefined || env[key] !== want) return false;
  }
  for (const key in SAFE_JSC_ENV) {
    if (env[key] !== (SAFE_JSC_ENV as Record<string, string>)[key]) return false;
  }
  return true;
}

/** The admin's environment as it was before stage 1 changed it. */
export function restoredEnv(env: Record<string, string | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key in env) {
    const value = env[key];
    if (value === undefined || isStrippedVar(key) || key.startsWith("PIDRESCUE_")) continue;
    out[key] = value;
  }
  const saved = env[SAVED_ENV_VAR];
  if (saved !== undefined) {
    try {
      const parsed = JSON.parse(saved) as Record<string, unknown>;
      for (const key in parsed) {
        const value = parsed[key];
        if (typeof value === "string") out[key] = value;
      }
    } catch {
      // A corrupt saved copy only loses the admin's BUN_* variables; the
      // shell still starts. Nothing to report to: this runs right before exec.
    }
  }
  return out;
}
