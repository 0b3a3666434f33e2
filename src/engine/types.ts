/** Shapes shared by the planner, the freeze and kill engines, and their reports. */
import type { ProcTable } from "../proc/table.ts";
import type { ProtectReason } from "./protect.ts";

/** Does row `i` of `table` match the selection? (compiled selector) */
export type Matcher = (table: ProcTable, i: number) => boolean;

export interface ProcRef {
  pid: number;
  pgrp: number;
  starttime: number;
  comm: string;
  uid: number;
}

export interface CgroupTarget {
  version: 1 | 2;
  /** Path inside the hierarchy, as /proc/<pid>/cgroup shows it. */
  path: string;
  /** Directory under the mount point. */
  dir: string;
  pids: number[];
}

export interface GroupTarget {
  pgid: number;
  pids: number[];
}

export interface Plan {
  selector: string;
  /** Rows of the plan's table that matched, protected ones included. */
  matched: number;
  /** Matches that will be signalled. */
  targets: ProcRef[];
  zombies: number;
  protectedHits: Array<ProcRef & { reason: ProtectReason }>;
  suspicious: Array<ProcRef & { exe: string | null }>;
  cgroups: CgroupTarget[];
  groups: GroupTarget[];
  /** Targets left to per-PID sweeps. */
  perPid: number;
  /** Count of targets by name, biggest first. */
  byName: Array<{ name: string; count: number }>;
  ancestors: number[];
}

export interface NearMiss {
  pid: number;
  oldStart: number;
  newStart: number;
  oldComm: string;
  newComm: string;
}

export interface FrozenCgroup extends CgroupTarget {
  result: string;
}

export interface FreezeResult {
  /** cgroups frozen as a whole (result "ok"), or tried. */
  cgroups: FrozenCgroup[];
  /** Process groups sent SIGSTOP; `tainted` when a non-target member was seen later. */
  groups: Array<GroupTarget & { result: string; tainted: boolean }>;
  rounds: number;
  quiescent: boolean;
  /** Why the fixed point was not reached (bound hit, interrupted). */
  reason: string | null;
  /** Confirmed stopped: pid -> ref. */
  stopped: Map<number, ProcRef>;
  signalsSent: number;
  nearMisses: NearMiss[];
  eperm: ProcRef[];
  /** ms from the first signal to quiescence. */
  msToQuiescence: number | null;
  firstSignalAt: number | null;
  /** One entry per sweep: when it ended (ms after the first signal), matches seen running, STOPs sent. */
  sweepLog: Array<{ ms: number; running: number; sent: number }>;
}

export interface KillResult {
  killed: number;
  /** What was sent SIGKILL (or was in a killed cgroup): pid -> starttime, for verify's zombie count. */
  victims: Map<number, number>;
  /** Signals and cgroup writes sent (one journal line each). */
  signalsSent: number;
  /** Epoch ms when the last SIGKILL had been sent. */
  at: number;
  skippedChanged: number;
  eperm: ProcRef[];
  groupKills: number;
  cgroupKills: number;
}

export interface VerifyResult {
  /** Live matches that were not killed. */
  survivors: ProcRef[];
  /** Killed (SIGKILL sent) but not exited yet, e.g. stuck in uninterruptible sleep. */
  dying: number;
  zombies: number;
  tasks: number | null;
  pidMax: number | null;
  freeSlots: number | null;
  waitedMs: number;
  /** Epoch ms when the verdict was reached (the end of recovery when nothing is left). */
  at: number;
}
