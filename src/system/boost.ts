/**
 * CPU priority for the rescue paths. A full process table usually comes
 * with saturated CPUs, and a freshly exec'd pidrescue competes with every
 * bomb process. Stage 1 already lowered nice to -20 (boot.ts). Stage 2 goes
 * further where it is safe: it re-execs itself through util-linux
 * `chrt -f 10` (SCHED_FIFO survives execve; no syscall for it is reachable
 * without the JIT). chrt that *refuses* would exit and end the admin's
 * session, so it is used only when every check says it will succeed
 * (boost-facts.ts). Otherwise pidrescue says why, once, and goes on.
 *
 * Measured (scripts/bench-startup.ts, pid_max 2,000, 2,000 processes
 * spinning on fork, 2 CPUs): exec -> first SIGSTOP 10.4 s for the plain
 * form (10.1 s of it the runtime's own start at the shell's nice 0, before
 * any of our code runs), 0.08 s for `exec chrt -f 10 pidrescue ...`.
 */
import { isBoostedCommandLine } from "./boost-argv.ts";
import { type BoostFacts, gatherBoostFacts } from "./boost-facts.ts";
import { BOOT_TRACE_VAR, bootTrace } from "./boot-env.ts";
import { BOOST_VAR } from "./safe-env.ts";

export { type BoostFacts, CHRT_CANDIDATES, findChrt, gatherBoostFacts } from "./boost-facts.ts";

export const FIFO_PRIORITY = 10;

export type BoostDecision = { boost: true; chrt: string } | { boost: false; reason: string };

/** Pure: may we exec through chrt -f 10 without risking a refusal? */
export function decideBoost(f: BoostFacts): BoostDecision {
  if (f.policy === 1 || f.policy === 2) return { boost: false, reason: "already real-time" };
  if (f.chrt === undefined) return { boost: false, reason: "util-linux chrt not found" };
  const cap = f.capSysNice && f.initUserNs;
  if (!cap && f.rtprioSoft < FIFO_PRIORITY) {
    const why = f.capSysNice ? "CAP_SYS_NICE only inside a user namespace" : "no CAP_SYS_NICE";
    return { boost: false, reason: `${why} and RLIMIT_RTPRIO ${f.rtprioSoft} < ${FIFO_PRIORITY}` };
  }
  if (f.rtRuntimeUs === 0) return { boost: false, reason: "kernel.sched_rt_runtime_us is 0 (real-time disabled)" };
  if (f.cgroupRtRuntimeUs === 0) return { boost: false, reason: "this cpu cgroup has cpu.rt_runtime_us 0 (chrt would be refused)" };
  if (f.v2CpuCgroup !== undefined && f.rtGroupSched !== false) {
    const why = f.rtGroupSched === true ? "the kernel has RT group scheduling" : "the kernel config is unreadable (RT group scheduling?)";
    return { boost: false, reason: `cgroup ${f.v2CpuCgroup} has the cpu controller and ${why}: chrt could be refused` };
  }
  return { boost: true, chrt: f.chrt };
}

/**
 * Re-exec through chrt when allowed; returns (with the reason) only when it
 * does not. PIDRESCUE_TEST_NO_CHRT=1 makes chrt look missing (tests).
 * The answer is kept: boot.ts asks first (before the application is
 * loaded), main.ts asks again after the full parse and only then explains.
 */
export function boostOrExplain(env: Record<string, string | undefined>, jsStartMs?: number): string | undefined {
  if (env[BOOST_VAR] !== undefined) return undefined;
  refused ??= tryBoost(env, jsStartMs);
  return refused;
}

/** boot.ts, stage 2: boost now when the command line is certainly a rescue path. */
export function earlyBoost(argv: readonly string[], env: Record<string, string | undefined>, jsStartMs: number): void {
  if (isBoostedCommandLine(argv)) boostOrExplain(env, jsStartMs);
}

/** The decision for this process now (PIDRESCUE_TEST_NO_CHRT=1 hides chrt). */
export function boostDecision(env: Record<string, string | undefined>): BoostDecision {
  const facts = gatherBoostFacts();
  if (env.PIDRESCUE_TEST_NO_CHRT === "1") facts.chrt = undefined;
  return decideBoost(facts);
}

/**
 * Replace this process with `chrt POLICY_ARGS... <this pidrescue, same arguments>`
 * and `env` (same PID, no new task). Returns only when the exec failed, with why.
 */
export function reexecThrough(chrt: string, policyArgs: string[], env: Record<string, string>): string {
  const argv = process.argv;
  const compiled = (argv[1] ?? "").startsWith("/$bunfs/");
  const self = compiled ? [process.execPath, ...argv.slice(2)] : [process.execPath, argv[1] ?? "", ...argv.slice(2)];
  try {
    if (typeof process.execve !== "function") return "this runtime has no process.execve";
    process.execve(chrt, ["chrt", ...policyArgs, ...self], env);
  } catch (e) {
    return `exec of ${chrt} failed (${e instanceof Error ? e.message : String(e)})`;
  }
  return "execve returned";
}

/** A copy of the environment without undefined values. */
export function envCopy(env: Record<string, string | undefined>): Record<string, string> {
  const next: Record<string, string> = {};
  for (const k in env) {
    const v = env[k];
    if (v !== undefined) next[k] = v;
  }
  return next;
}

let refused: string | undefined;

function tryBoost(env: Record<string, string | undefined>, jsStartMs: number | undefined): string {
  const d = boostDecision(env);
  if (!d.boost) return d.reason;
  const next = envCopy(env);
  next[BOOST_VAR] = `fifo:${FIFO_PRIORITY}`;
  next[BOOT_TRACE_VAR] = bootTrace(env[BOOT_TRACE_VAR], "s2", jsStartMs ?? Date.now());
  return reexecThrough(d.chrt, ["-f", String(FIFO_PRIORITY)], next);
}
