/**
 * Facts about this process and this kernel, for `doctor` and the boot path.
 * Thin readers over procfs; the parsing is pure and lives in the functions
 * named parse*.
 */
import { readdirSync, readFileSync, readlinkSync } from "node:fs";
import { errnoCode } from "../errors.ts";

export interface SchedInfo {
  policy: number;
  policyName: string;
  rtPriority: number;
  nice: number;
}

const POLICY_NAMES = ["SCHED_OTHER", "SCHED_FIFO", "SCHED_RR", "SCHED_BATCH", "SCHED_ISO", "SCHED_IDLE", "SCHED_DEADLINE"];

export function policyName(policy: number): string {
  return POLICY_NAMES[policy] ?? `policy ${policy}`;
}

/** nice (field 19), rt_priority (40) and policy (41) from a stat line. */
export function parseSchedFromStat(stat: string): SchedInfo | undefined {
  const close = stat.lastIndexOf(")");
  if (close < 0) return undefined;
  const f = stat.slice(close + 2).trim().split(" ");
  // f[0] is field 3 (state), so field N is f[N - 3].
  const nice = Number(f[19 - 3]);
  const rt = Number(f[40 - 3]);
  const policy = Number(f[41 - 3]);
  if (!Number.isFinite(nice) || !Number.isFinite(policy)) return undefined;
  return { policy, policyName: policyName(policy), rtPriority: Number.isFinite(rt) ? rt : 0, nice };
}

/** Soft/hard limit of one row of /proc/<pid>/limits ("Max processes"). */
export function parseLimit(text: string, row: string): { soft: number; hard: number } | undefined {
  for (const line of text.split("\n")) {
    if (!line.startsWith(row)) continue;
    const parts = line.slice(row.length).trim().split(/\s+/);
    const num = (s: string | undefined): number => (s === "unlimited" ? Infinity : Number(s));
    const soft = num(parts[0]);
    const hard = num(parts[1]);
    if (Number.isNaN(soft) || Number.isNaN(hard)) return undefined;
    return { soft, hard };
  }
  return undefined;
}

/** A "Key:\tvalue" field of /proc/<pid>/status. */
export function statusField(text: string, key: string): string | undefined {
  const i = text.indexOf(`\n${key}:`);
  const start = text.startsWith(`${key}:`) ? key.length + 1 : i < 0 ? -1 : i + key.length + 2;
  if (start < 0) return undefined;
  const end = text.indexOf("\n", start);
  return text.slice(start, end < 0 ? undefined : end).trim();
}

export function hasCapability(capEffHex: string | undefined, bit: number): boolean {
  if (capEffHex === undefined) return false;
  try {
    return ((BigInt(`0x${capEffHex}`) >> BigInt(bit)) & 1n) === 1n;
  } catch {
    return false; // not hex: treat as "no capability", the safe answer
  }
}

export const CAP_KILL = 5;
export const CAP_SYS_NICE = 23;

/** Read a small text file; undefined when it does not exist or cannot be read. */
export function readText(path: string): string | undefined {
  try {
    return readFileSync(path, "latin1");
  } catch (e) {
    const code = errnoCode(e);
    if (code === "ENOENT" || code === "EACCES" || code === "ESRCH" || code === "ENOTDIR" || code === "EPERM" || code === "EINVAL") return undefined;
    throw e;
  }
}

export function readNumber(path: string): number | undefined {
  const t = readText(path);
  if (t === undefined) return undefined;
  const n = Number(t.trim());
  return Number.isFinite(n) ? n : undefined;
}

export function ownThreadCount(procRoot = "/proc"): number {
  return readdirSync(`${procRoot}/self/task`).length;
}

export function readLink(path: string): string | undefined {
  try {
    return readlinkSync(path);
  } catch (e) {
    const code = errnoCode(e);
    if (code === "ENOENT" || code === "EACCES" || code === "EPERM" || code === "EINVAL" || code === "ESRCH") return undefined;
    throw e;
  }
}

export function ownSched(procRoot = "/proc"): SchedInfo | undefined {
  const t = readText(`${procRoot}/self/stat`);
  return t === undefined ? undefined : parseSchedFromStat(t);
}
