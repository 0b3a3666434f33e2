/**
 * `doctor`: prove the zero-thread rule from the inside and show what the
 * kernel offers. The thread count comes from /proc/self/task, the same place
 * the tests read from outside.
 */
import type { ArgsDef, ParsedArgs } from "citty";
import { ExitCode, PidrescueError } from "../errors.ts";
import type { RunContext } from "../cli/context.ts";
import { collectDoctor, type DoctorReport } from "../system/doctor-info.ts";
import { runStress, type StressReport } from "../system/stress.ts";
import { err, out } from "../ui/output.ts";
import { emitJson } from "../ui/json.ts";

export function run(args: ParsedArgs<ArgsDef>, ctx: RunContext): ExitCode {
  const seconds = stressSeconds(args.stress);
  // Diagnostic for the zero-thread tests: ticks go to stderr with --json.
  const stress: StressReport | null =
    seconds === undefined ? null : runStress(seconds, "/proc", (line) => (ctx.opts.json ? err(line) : out(line)));
  const r = collectDoctor("/proc");
  if (ctx.opts.json) emitJson("doctor", stress ? { ...r, stress } : { ...r });
  else out(format(r));
  const ok = r.threads === 1 && (stress === null || stress.maxThreads === 1);
  return ok ? ExitCode.Ok : ExitCode.Partial;
}

/** --stress SECONDS: a whole number from 1 to 3600. */
function stressSeconds(v: unknown): number | undefined {
  if (v === undefined || v === false) return undefined;
  const n = Number(v);
  if (typeof v !== "string" || !Number.isInteger(n) || n < 1 || n > 3600) {
    throw new PidrescueError("USAGE", `--stress wants whole seconds from 1 to 3600, got '${String(v)}'`, "usage: pidrescue doctor [--stress SECONDS]");
  }
  return n;
}

export function format(r: DoctorReport): string {
  const yes = (b: boolean): string => (b ? "yes" : "no");
  const lines = [
    r.version,
    `threads         ${r.threads}${r.threads === 1 ? " (ok: zero-thread rule holds)" : "  WARNING: more than one thread"}`,
    `runtime         ${r.runtime.safeMode ? "safe mode" : "UNSAFE mode"} (JIT ${r.runtime.jit ? "on" : "off"}, concurrent GC ${r.runtime.concurrentGc ? "on" : "off"}, GC markers ${r.runtime.gcMarkers}), ${r.runtime.compiled ? "compiled binary" : "bun run (development)"}`,
    `stripped env    ${r.runtime.strippedVars.length > 0 ? r.runtime.strippedVars.join(" ") : "none"}${r.runtime.unsafeReason ? `  (${r.runtime.unsafeReason})` : ""}`,
    `priority        ${r.sched.policyName}${r.sched.policy === 1 || r.sched.policy === 2 ? ` rtprio ${r.sched.rtPriority}` : ""}, nice ${r.sched.nice}${r.sched.boost ? `, boosted via ${r.sched.boost}` : ""}; rescue paths: ${r.sched.rescue} (--no-boost: none)`,
    `identity        pid ${r.pid}, uid ${r.uid}, CAP_KILL ${yes(r.capKill)}, CAP_SYS_NICE ${yes(r.capSysNice)}`,
    `kernel          ${r.kernel.release}, pid_max ${r.kernel.pidMax ?? "?"}${r.kernel.ownPidNamespace ? " (own PID namespace)" : ""}, threads-max ${r.kernel.threadsMax ?? "?"}, tasks ${r.kernel.tasks ?? "?"} here${r.kernel.hostTasks !== null && r.kernel.hostTasks !== r.kernel.tasks ? ` (${r.kernel.hostTasks} host-wide)` : ""}`,
    `RLIMIT_NPROC    ${fmtLimit(r.nproc.soft)} soft, ${fmtLimit(r.nproc.hard)} hard`,
    `cgroup v1       ${r.cgroup.v1Pids ? `pids at ${r.cgroup.v1Pids}` : "no pids controller"}; ${r.cgroup.v1Freezer ? `freezer at ${r.cgroup.v1Freezer}` : "no freezer"}`,
    `cgroup v2       ${r.cgroup.v2 ? `at ${r.cgroup.v2} (controllers: ${r.cgroup.v2Controllers.join(" ") || "none"}; cgroup.freeze ${yes(r.cgroup.v2Freeze)}, cgroup.kill ${yes(r.cgroup.v2Kill)})` : "not mounted"}`,
    `own cgroup      ${r.cgroup.own}`,
  ];
  return lines.join("\n");
}

function fmtLimit(n: number | null): string {
  return n === null ? "unlimited" : String(n);
}
