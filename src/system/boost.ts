/**
 * CPU priority for the rescue paths. A full process table usually comes
 * with saturated CPUs, and a freshly exec'd pidrescue competes with every
 * bomb process. Stage 1 already lowered nice to -20 (boot.ts). Here, stage 2
 * goes further where it is safe: it re-execs itself through util-linux
 * `chrt -f 10` (SCHED_FIFO survives execve; no syscall for it is reachable
 * without the JIT). chrt that *refuses* would exit and end the admin's
 * session, so it is used only when every check says it will succeed:
 * root or CAP_SYS_NICE or RLIMIT_RTPRIO >= 10, real-time runtime not zero
 * (kernel.sched_rt_runtime_us, and a v1 cpu cgroup's cpu.rt_runtime_us),
 * chrt present and executable. Otherwise it says why, once, and goes on.
 */
import { accessSync, constants } from "node:fs";
import { isBoostedCommandLine } from "./boost-argv.ts";
import { BOOT_TRACE_VAR, bootTrace } from "./boot-trace.ts";
import { BOOST_VAR } from "./safe-env.ts";
import { parseProcCgroup, cgroupLayout, parseMountinfo } from "./mountinfo.ts";
import { CAP_SYS_NICE, hasCapability, ownSched, parseLimit, readNumber, readText, statusField } from "./selfinfo.ts";

export const FIFO_PRIORITY = 10;
export const CHRT_CANDIDATES = ["/usr/bin/chrt", "/bin/chrt", "/usr/local/bin/chrt", "/usr/sbin/chrt"];

export interface BoostFacts {
  uid: number;
  capSysNice: boolean;
  rtprioSoft: number;
  /** kernel.sched_rt_runtime_us (-1 = unlimited). */
  rtRuntimeUs: number | undefined;
  /** cpu.rt_runtime_us of our v1 cpu cgroup, when RT group scheduling exposes it. */
  cgroupRtRuntimeUs: number | undefined;
  /** Is our v1 cpu cgroup the root of its hierarchy? */
  cgroupIsRoot: boolean;
  chrt: string | undefined;
  /** Current policy (0 = SCHED_OTHER). */
  policy: number;
}

export type BoostDecision = { boost: true; chrt: string } | { boost: false; reason: string };

/** Pure: may we exec through chrt -f 10 without risking a refusal? */
export function decideBoost(f: BoostFacts): BoostDecision {
  if (f.policy === 1 || f.policy === 2) return { boost: false, reason: "already real-time" };
  if (f.chrt === undefined) return { boost: false, reason: "util-linux chrt not found" };
  const privileged = f.capSysNice || f.rtprioSoft >= FIFO_PRIORITY;
  if (!privileged) return { boost: false, reason: `no CAP_SYS_NICE and RLIMIT_RTPRIO ${f.rtprioSoft} < ${FIFO_PRIORITY}` };
  if (f.rtRuntimeUs === 0) return { boost: false, reason: "kernel.sched_rt_runtime_us is 0 (real-time disabled)" };
  if (f.cgroupRtRuntimeUs !== undefined && f.cgroupRtRuntimeUs === 0 && !f.cgroupIsRoot) {
    return { boost: false, reason: "this cpu cgroup has cpu.rt_runtime_us 0 (chrt would be refused)" };
  }
  return { boost: true, chrt: f.chrt };
}

export function gatherBoostFacts(): BoostFacts {
  const status = readText("/proc/self/status") ?? "";
  const limits = readText("/proc/self/limits") ?? "";
  const rt = parseLimit(limits, "Max realtime priority");
  const member = parseProcCgroup(readText("/proc/self/cgroup") ?? "");
  const cpuPath = member.v1.get("cpu");
  const layout = cgroupLayout(parseMountinfo(readText("/proc/self/mountinfo") ?? ""));
  const cpuMount = layout.v1.get("cpu");
  const cg = cpuPath !== undefined && cpuMount !== undefined ? readNumber(`${cpuMount}${cpuPath === "/" ? "" : cpuPath}/cpu.rt_runtime_us`) : undefined;
  return {
    uid: process.getuid?.() ?? -1,
    capSysNice: hasCapability(statusField(status, "CapEff"), CAP_SYS_NICE),
    rtprioSoft: rt === undefined ? 0 : rt.soft === Infinity ? 99 : rt.soft,
    rtRuntimeUs: readNumber("/proc/sys/kernel/sched_rt_runtime_us"),
    cgroupRtRuntimeUs: cg,
    cgroupIsRoot: cpuPath === undefined || cpuPath === "/",
    chrt: CHRT_CANDIDATES.find(isExecutable),
    policy: ownSched()?.policy ?? 0,
  };
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

let refused: string | undefined;

function tryBoost(env: Record<string, string | undefined>, jsStartMs: number | undefined): string {
  const facts = gatherBoostFacts();
  if (env.PIDRESCUE_TEST_NO_CHRT === "1") facts.chrt = undefined;
  const d = decideBoost(facts);
  if (!d.boost) return d.reason;
  const argv = process.argv;
  const compiled = (argv[1] ?? "").startsWith("/$bunfs/");
  const self = compiled ? [process.execPath, ...argv.slice(2)] : [process.execPath, argv[1] ?? "", ...argv.slice(2)];
  const next: Record<string, string> = {};
  for (const k in env) {
    const v = env[k];
    if (v !== undefined) next[k] = v;
  }
  next[BOOST_VAR] = `fifo:${FIFO_PRIORITY}`;
  next[BOOT_TRACE_VAR] = bootTrace(env[BOOT_TRACE_VAR], "s2", jsStartMs ?? Date.now());
  try {
    if (typeof process.execve !== "function") return "this runtime has no process.execve";
    process.execve(d.chrt, ["chrt", "-f", String(FIFO_PRIORITY), ...self], next);
  } catch (e) {
    return `exec of ${d.chrt} failed (${e instanceof Error ? e.message : String(e)})`;
  }
  return "execve returned";
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false; // not there: try the next candidate
  }
}
