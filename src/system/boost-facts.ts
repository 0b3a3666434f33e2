/**
 * The facts that say whether `chrt -f 10` would be refused (boost.ts
 * decides from them). A refused chrt exits, and since pidrescue replaced the
 * admin's shell, the session would end: so every way the kernel can refuse
 * SCHED_FIFO is looked at here, from procfs and cgroupfs, without trying it.
 * The kernel refuses when:
 *   - the caller has neither CAP_SYS_NICE (in the initial user namespace:
 *     a container's root has it only in its own) nor RLIMIT_RTPRIO >= 10;
 *   - kernel.sched_rt_runtime_us is 0;
 *   - RT group scheduling is on and the caller's cpu cgroup has no RT
 *     runtime: v1 shows it (cpu.rt_runtime_us 0); v2 does not show it, and
 *     a non-root v2 cgroup with the cpu controller gets 0, so there it
 *     depends on the kernel config (CONFIG_RT_GROUP_SCHED, from
 *     /boot/config-RELEASE; unknown counts as "would refuse").
 */
import { accessSync, constants } from "node:fs";
import { cgroupLayout, parseMountinfo, parseProcCgroup } from "./mountinfo.ts";
import { CAP_SYS_NICE, hasCapability, ownSched, parseLimit, readNumber, readText, statusField } from "./selfinfo.ts";

export const CHRT_CANDIDATES = ["/usr/bin/chrt", "/bin/chrt", "/usr/local/bin/chrt", "/usr/sbin/chrt"];

export interface BoostFacts {
  /** CAP_SYS_NICE in the effective set. */
  capSysNice: boolean;
  /** False inside a user namespace: capabilities there do not reach the scheduler. */
  initUserNs: boolean;
  rtprioSoft: number;
  /** kernel.sched_rt_runtime_us (-1 = unlimited). */
  rtRuntimeUs: number | undefined;
  /** cpu.rt_runtime_us of our v1 cpu cgroup as we see it (undefined: no v1 cpu controller, or no RT group scheduling). */
  cgroupRtRuntimeUs: number | undefined;
  /** Our cgroup v2 path when it is not the root and has the cpu controller (and there is no v1 cpu controller). */
  v2CpuCgroup: string | undefined;
  /** CONFIG_RT_GROUP_SCHED from the kernel config; undefined when the config cannot be read. */
  rtGroupSched: boolean | undefined;
  chrt: string | undefined;
  /** Current policy (0 = SCHED_OTHER, 1 = SCHED_FIFO, 2 = SCHED_RR). */
  policy: number;
}

export function gatherBoostFacts(): BoostFacts {
  const status = readText("/proc/self/status") ?? "";
  const rt = parseLimit(readText("/proc/self/limits") ?? "", "Max realtime priority");
  const member = parseProcCgroup(readText("/proc/self/cgroup") ?? "");
  const layout = cgroupLayout(parseMountinfo(readText("/proc/self/mountinfo") ?? ""));
  const cpuPath = member.v1.get("cpu");
  const cpuMount = layout.v1.get("cpu");
  const cgroupRtRuntimeUs = cpuPath !== undefined && cpuMount !== undefined ? readNumber(`${join(cpuMount, cpuPath)}/cpu.rt_runtime_us`) : undefined;
  let v2CpuCgroup: string | undefined;
  if (cpuMount === undefined && layout.v2 !== undefined && member.v2 !== undefined && member.v2 !== "/") {
    const controllers = (readText(`${join(layout.v2, member.v2)}/cgroup.controllers`) ?? "").trim().split(/\s+/);
    if (controllers.includes("cpu")) v2CpuCgroup = member.v2;
  }
  return {
    capSysNice: hasCapability(statusField(status, "CapEff"), CAP_SYS_NICE),
    initUserNs: isInitUserNs(readText("/proc/self/uid_map")),
    rtprioSoft: rt === undefined ? 0 : rt.soft === Infinity ? 99 : rt.soft,
    rtRuntimeUs: readNumber("/proc/sys/kernel/sched_rt_runtime_us"),
    cgroupRtRuntimeUs,
    v2CpuCgroup,
    rtGroupSched: v2CpuCgroup === undefined ? undefined : kernelConfigFlag("CONFIG_RT_GROUP_SCHED"),
    chrt: findChrt(),
    policy: ownSched()?.policy ?? 0,
  };
}

/** The first executable util-linux chrt, or undefined. */
export function findChrt(): string | undefined {
  return CHRT_CANDIDATES.find(isExecutable);
}

/** Pure: uid_map of the initial user namespace maps all 2^32 ids onto themselves. */
export function isInitUserNs(uidMap: string | undefined): boolean {
  if (uidMap === undefined) return true; // no /proc/self/uid_map: a kernel without user namespaces
  const rows = uidMap.trim().split("\n");
  const f = (rows[0] ?? "").trim().split(/\s+/);
  return rows.length === 1 && f[0] === "0" && f[1] === "0" && f[2] === "4294967295";
}

/** Pure: "y"/"m" -> true, "is not set" -> false, absent -> undefined. */
export function configFlag(config: string, name: string): boolean | undefined {
  if (config.includes(`\n${name}=y`) || config.includes(`\n${name}=m`) || config.startsWith(`${name}=y`)) return true;
  if (config.includes(`# ${name} is not set`)) return false;
  return undefined;
}

function kernelConfigFlag(name: string): boolean | undefined {
  const release = (readText("/proc/sys/kernel/osrelease") ?? "").trim();
  if (release === "") return undefined;
  const config = readText(`/boot/config-${release}`);
  return config === undefined ? undefined : configFlag(config, name);
}

function join(mount: string, path: string): string {
  return path === "/" ? mount : `${mount}${path}`;
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false; // not there or not executable: try the next candidate
  }
}
