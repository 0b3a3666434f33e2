/** Gathers what `doctor` prints; kept apart from the formatting. */
import { readdirSync } from "node:fs";
import { BOOST_VAR, SAFE_JSC_ENV, SAVED_ENV_VAR, STAGE_VAR, isSafeEnv } from "./safe-env.ts";
import { FIFO_PRIORITY, boostDecision } from "./boost.ts";
import { cgroupLayout, parseMountinfo, parseProcCgroup } from "./mountinfo.ts";
import {
  CAP_KILL,
  CAP_SYS_NICE,
  hasCapability,
  ownSched,
  ownThreadCount,
  parseLimit,
  readLink,
  readNumber,
  readText,
  statusField,
} from "./selfinfo.ts";
import { versionLine } from "../version.ts";
import { scanProcs } from "../proc/scanner.ts";

export interface DoctorReport {
  version: string;
  threads: number;
  pid: number;
  uid: number;
  capKill: boolean;
  capSysNice: boolean;
  runtime: {
    safeMode: boolean;
    stage: string | null;
    jit: boolean;
    concurrentGc: boolean;
    gcMarkers: string;
    compiled: boolean;
    strippedVars: string[];
    unsafeReason: string | null;
  };
  /** rescue: what the rescue paths would get (decideBoost), e.g. "SCHED_FIFO 10 via /usr/bin/chrt". */
  sched: { policy: number; policyName: string; rtPriority: number; nice: number; boost: string | null; rescue: string };
  kernel: {
    release: string;
    pidMax: number | null;
    threadsMax: number | null;
    /** Tasks (threads) visible in this PID namespace (sum of num_threads). */
    tasks: number | null;
    /** Host-wide task count from /proc/loadavg. */
    hostTasks: number | null;
    /** True when this process is not in the initial PID namespace. */
    ownPidNamespace: boolean;
    pidNamespaceDepth: number;
  };
  nproc: { soft: number | null; hard: number | null };
  cgroup: {
    v1Pids: string | null;
    v1Freezer: string | null;
    v2: string | null;
    v2Controllers: string[];
    v2Freeze: boolean;
    v2Kill: boolean;
    own: string;
  };
}

/** The policy the rescue paths would run at, with --no-boost's effect left out. */
function rescuePolicy(env: Record<string, string | undefined>): string {
  const d = boostDecision(env);
  if (d.boost) return `SCHED_FIFO ${FIFO_PRIORITY} via ${d.chrt}`;
  return d.reason === "already real-time" ? "the current real-time policy (inherited)" : `nice -20 only: ${d.reason}`;
}

export function collectDoctor(proc: string): DoctorReport {
  const env = process.env;
  const status = readText(`${proc}/self/status`) ?? "";
  const capEff = statusField(status, "CapEff");
  const nspid = (statusField(status, "NSpid") ?? "").split(/\s+/).filter((s) => s !== "");
  const sched = ownSched(proc);
  const limits = readText(`${proc}/self/limits`) ?? "";
  const nproc = parseLimit(limits, "Max processes");
  const layout = cgroupLayout(parseMountinfo(readText(`${proc}/self/mountinfo`) ?? ""));
  const member = parseProcCgroup(readText(`${proc}/self/cgroup`) ?? "");
  const loadavg = (readText(`${proc}/loadavg`) ?? "").split(" ")[3];
  const hostTasks = loadavg === undefined ? null : Number(loadavg.split("/")[1]);
  const table = scanProcs({ procRoot: proc, uid: false });
  let tasks = 0;
  for (let i = 0; i < table.count; i++) tasks += Math.max(1, table.threads[i]!);
  // The initial PID namespace always has this inode (PROC_PID_INIT_INO).
  const nsLink = readLink(`${proc}/self/ns/pid`);
  const ownPidNamespace = nsLink !== undefined && nsLink !== "pid:[4026531836]";

  let v2Controllers: string[] = [];
  let v2Freeze = false;
  let v2Kill = false;
  if (layout.v2 !== undefined) {
    v2Controllers = (readText(`${layout.v2}/cgroup.controllers`) ?? "").trim().split(/\s+/).filter((s) => s !== "");
    // cgroup.freeze/cgroup.kill exist only in non-root cgroups: look at any child.
    const probe = firstChildDir(layout.v2);
    if (probe !== undefined) {
      v2Freeze = readText(`${probe}/cgroup.freeze`) !== undefined;
      v2Kill = fileExists(probe, "cgroup.kill");
    }
  }
  const own: string[] = [];
  for (const [c, p] of member.v1) if (c === "pids" || c === "freezer") own.push(`${c}:${p}`);
  if (member.v2 !== undefined) own.push(`v2:${member.v2}`);

  return {
    version: versionLine(),
    threads: ownThreadCount(proc),
    pid: process.pid,
    uid: process.getuid?.() ?? -1,
    capKill: hasCapability(capEff, CAP_KILL),
    capSysNice: hasCapability(capEff, CAP_SYS_NICE),
    runtime: {
      safeMode: isSafeEnv(env),
      stage: env[STAGE_VAR] ?? null,
      jit: env.BUN_JSC_useJIT !== SAFE_JSC_ENV.BUN_JSC_useJIT,
      concurrentGc: env.BUN_JSC_useConcurrentGC !== SAFE_JSC_ENV.BUN_JSC_useConcurrentGC,
      gcMarkers: env.BUN_JSC_numberOfGCMarkers ?? "default",
      compiled: (process.argv[1] ?? "").startsWith("/$bunfs/"),
      strippedVars: strippedNames(env[SAVED_ENV_VAR]),
      unsafeReason: env.PIDRESCUE_UNSAFE ?? null,
    },
    sched: {
      policy: sched?.policy ?? 0,
      policyName: sched?.policyName ?? "unknown",
      rtPriority: sched?.rtPriority ?? 0,
      nice: sched?.nice ?? 0,
      boost: env[BOOST_VAR] ?? null,
      rescue: rescuePolicy(env),
    },
    kernel: {
      release: (readText(`${proc}/sys/kernel/osrelease`) ?? "unknown").trim(),
      pidMax: readNumber(`${proc}/sys/kernel/pid_max`) ?? null,
      threadsMax: readNumber(`${proc}/sys/kernel/threads-max`) ?? null,
      tasks,
      hostTasks: hostTasks !== null && Number.isFinite(hostTasks) ? hostTasks : null,
      ownPidNamespace,
      pidNamespaceDepth: Math.max(ownPidNamespace ? 2 : 1, nspid.length),
    },
    nproc: {
      soft: nproc === undefined || nproc.soft === Infinity ? null : nproc.soft,
      hard: nproc === undefined || nproc.hard === Infinity ? null : nproc.hard,
    },
    cgroup: {
      v1Pids: layout.v1.get("pids") ?? null,
      v1Freezer: layout.v1.get("freezer") ?? null,
      v2: layout.v2 ?? null,
      v2Controllers,
      v2Freeze,
      v2Kill,
      own: own.join(" ") || "unknown",
    },
  };
}

function strippedNames(saved: string | undefined): string[] {
  if (saved === undefined) return [];
  try {
    return Object.keys(JSON.parse(saved) as Record<string, unknown>).sort();
  } catch {
    return ["(unreadable)"];
  }
}

function firstChildDir(dir: string): string | undefined {
  try {
    for (const d of readdirSync(dir, { withFileTypes: true })) if (d.isDirectory()) return `${dir}/${d.name}`;
  } catch {
    return undefined; // unreadable cgroup tree: report the features as absent
  }
  return undefined;
}

function fileExists(dir: string, name: string): boolean {
  try {
    return readdirSync(dir).includes(name);
  } catch {
    return false; // same as above
  }
}
