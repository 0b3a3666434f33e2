/**
 * Entry point of the compiled binary: stage 1 of the zero-thread boot.
 *
 * pidrescue runs where not one process slot is free, and a thread takes a
 * slot just like a process. Bun starts JIT and GC helper threads unless the
 * JSC options below are in the environment *when the runtime starts*: they
 * are read once, before any JS runs. So this file decides, touching nothing
 * but `process`, whether the runtime it is in was started in the safe mode.
 * If not, it replaces itself (execve: same PID, no new task) with a copy of
 * itself whose environment has exactly the safe options and none of the
 * inherited BUN_* / NODE_OPTIONS variables that could change them.
 *
 * Measured (ARCHITECTURE.md, "zero-thread rule"): in stage 1, even
 * `process.stdout` or `require("node:fs")` starts a helper thread when the
 * JIT is on, so nothing here may touch them. This file has no imports; the
 * application is `require()`d only after the guard, and the bundle is CJS
 * so nothing is hoisted above it.
 */
import { BOOT_TRACE_VAR, INHERITED_NICE_VAR, bootTrace } from "./system/boot-env.ts";
import { BOOST_VAR, SAFE_JSC_ENV, STAGE_VAR, SAVED_ENV_VAR, isSafeEnv, isStrippedVar } from "./system/safe-env.ts";

declare const require: (id: string) => unknown;

/** When this image's first line of JS ran (epoch ms), for the boot trace. */
const jsStartMs = Date.now();

/**
 * Priority first: a starved machine is usually a saturated CPU too, and
 * every later step (the re-exec, loading the bundle) competes with the bomb.
 * niceness survives execve. os.setPriority created no thread in stage 1
 * (measured under pids.max=1). Only lowers nice; `--no-boost` keeps it.
 */
let inheritedNice: number | undefined;

function raiseNice(): void {
  if (process.argv.includes("--no-boost")) return;
  try {
    const os = require("node:os") as { setPriority(p: number): void; getPriority(): number };
    inheritedNice = os.getPriority();
    if (inheritedNice > -20) os.setPriority(-20);
  } catch {
    // EACCES without CAP_SYS_NICE: stay at the inherited nice; doctor shows it.
  }
}

function reexecSafe(): void {
  const env = process.env;
  const clean: Record<string, string> = {};
  const saved: Record<string, string> = {};
  for (const key in env) {
    const value = env[key];
    if (value === undefined) continue;
    if (isStrippedVar(key)) saved[key] = value;
    else clean[key] = value;
  }
  for (const key in SAFE_JSC_ENV) clean[key] = SAFE_JSC_ENV[key as keyof typeof SAFE_JSC_ENV];
  clean[STAGE_VAR] = "2";
  // When this process was exec'd, for "exec -> first signal" in the journal.
  if (env.PIDRESCUE_EPOCH_MS === undefined) clean.PIDRESCUE_EPOCH_MS = String(Math.round(Date.now() - performance.now()));
  clean[BOOT_TRACE_VAR] = bootTrace(env[BOOT_TRACE_VAR], "s1", jsStartMs);
  // The admin's own nice, given back to the shell that `shell` hands over.
  if (inheritedNice !== undefined && env[INHERITED_NICE_VAR] === undefined) clean[INHERITED_NICE_VAR] = String(inheritedNice);
  // Keep the admin's own values so `shell` can hand them back unchanged.
  if (env[SAVED_ENV_VAR] === undefined) clean[SAVED_ENV_VAR] = JSON.stringify(saved);
  const argv = process.argv;
  const compiled = (argv[1] ?? "").startsWith("/$bunfs/");
  const nextArgv = compiled
    ? [process.argv0 || "pidrescue", ...argv.slice(2)]
    : [process.execPath, argv[1] ?? "", ...argv.slice(2)];
  if (typeof process.execve !== "function") throw new Error("no process.execve");
  process.execve(process.execPath, nextArgv, clean);
}

if (!isSafeEnv(process.env)) {
  raiseNice();
  try {
    reexecSafe();
  } catch {
    // execve failed (E2BIG, a vanished binary...): it created nothing, so we
    // go on in the unsafe mode and let `doctor` and the banner say so.
    process.env.PIDRESCUE_UNSAFE = "re-exec into the safe mode failed";
  }
}
// Stage 2 of a rescue path: SCHED_FIFO before the application is loaded.
if (process.env.PIDRESCUE_UNSAFE === undefined && process.env[BOOST_VAR] === undefined) {
  (require("./system/boost.ts") as typeof import("./system/boost.ts")).earlyBoost(process.argv.slice(2), process.env, jsStartMs);
}
(require("./main.ts") as typeof import("./main.ts")).start();
