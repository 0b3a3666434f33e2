/**
 * The freeze engine: stop every target so nothing can respawn.
 *
 * Atomic means first (cgroup freeze, process-group SIGSTOP), then per-PID
 * sweeps to a fixed point. Each per-PID STOP is race-checked without pidfd:
 * the match came from a stat read with starttime; after the signal the stat
 * is read again, and if the PID now belongs to another process (starttime
 * or name changed) it gets SIGCONT at once and counts as a near miss.
 *
 * Quiescent means: one full sweep in which every match was already stopped
 * (state T/t), counting PIDs confirmed stopped earlier, which are not
 * re-read (a stopped process cannot exit, so its PID cannot be reused).
 * Rounds are bounded; the report says why when the bound is hit.
 */
import { readdirSync } from "node:fs";
import { PidrescueError, errnoCode } from "../errors.ts";
import { ProcTable } from "../proc/table.ts";
import { readStatOne } from "../proc/scanner.ts";
import { sleepMs } from "../system/sleep.ts";
import { v1SetFrozen, v2SetFrozen } from "./cgroupctl.ts";
import { subtreePids } from "./cgroup-plan.ts";
import type { Journal } from "./journal.ts";
import { refOf } from "./plan.ts";
import type { ProtectedSet } from "./protect.ts";
import { isDeadState, isStoppedState, rereader, stopPendingOrStopped } from "./reread.ts";
import { appendPid } from "./rows.ts";
import { sendSignal } from "./signal.ts";
import { testPause } from "./testhook.ts";
import type { FreezeResult, Matcher, Plan, ProcRef } from "./types.ts";

export interface FreezeOptions {
  procRoot: string;
  maxRounds: number;
  journal: Journal | undefined;
  allowDaemons: boolean;
  /** Called between rounds; may throw ABORTED (^C). */
  checkpoint: () => Promise<void>;
  /** Matcher bound to a table (a new table each round). */
  matcherFor: (table: ProcTable) => Matcher;
  /** The plan's table: round 1 works from it, without a rescan. */
  planTable: ProcTable;
}

/** After this long a STOP not acted on yet is checked: sent again only if it is no longer pending. */
const RESEND_AFTER_MS = 1000;
/** Bounds of the wait for STOPs in flight between two sweeps. */
const MIN_WAIT_MS = 4;
const MAX_WAIT_MS = 250;
/** Targets re-read per look while STOPs are in flight (the last ones sent). */
const PROBES = 16;
const T = 84; // 'T' stopped
const t = 116; // 't' tracing stop
const Z = 90;
const X = 88;

export async function freeze(plan: Plan, protect: ProtectedSet, o: FreezeOptions): Promise<FreezeResult> {
  try {
    return await freezeAll(plan, protect, o);
  } finally {
    o.journal?.flush();
  }
}

async function freezeAll(plan: Plan, protect: ProtectedSet, o: FreezeOptions): Promise<FreezeResult> {
  const r: FreezeResult = {
    cgroups: [],
    groups: [],
    rounds: 0,
    quiescent: false,
    reason: null,
    stopped: new Map(),
    signalsSent: 0,
    nearMisses: [],
    eperm: [],
    msToQuiescence: null,
    firstSignalAt: null,
    sweepLog: [],
  };
  const eperm = new Set<number>();
  const j = o.journal;
  const mark = (): void => {
    r.firstSignalAt ??= Date.now();
  };

  // 1. cgroups: one write each, the kernel does the rest.
  for (const c of plan.cgroups) {
    mark();
    const done = j?.begin({ pid: 0, starttime: 0, comm: "", uid: 0, sig: "freeze", strategy: `cgroup${c.version}`, target: c.path });
    const res = c.version === 2 ? v2SetFrozen(c.dir, true) : v1SetFrozen(c.dir, true);
    done?.(res);
    r.signalsSent++;
    r.cgroups.push({ ...c, result: res });
    if (res !== "ok") continue;
    // Everything in the frozen subtree is stopped for good (it cannot fork or exit).
    for (const pid of subtreePids(c.dir) ?? c.pids) {
      const st = readStatOne(o.procRoot, pid);
      if (st !== null) r.stopped.set(pid, { pid, pgrp: st.pgrp, starttime: st.starttime, comm: st.comm, uid: st.uid });
    }
  }

  // 2. process groups: kill(-pgid, SIGSTOP) reaches children being forked right now.
  for (const g of plan.groups) {
    if (g.pids.every((p) => r.stopped.has(p))) continue;
    if (protect.isForbiddenGroup(g.pgid)) throw new PidrescueError("INTERNAL", `refusing to signal process group ${g.pgid}`);
    mark();
    const done = j?.begin({ pid: -g.pgid, starttime: 0, comm: "", uid: -1, sig: "STOP", strategy: "pgrp" });
    const res = sendSignal(-g.pgid, "STOP");
    done?.(res);
    r.signalsSent++;
    r.groups.push({ ...g, result: res, tainted: false });
  }
  const groupIds = new Map(r.groups.map((g) => [g.pgid, g]));

  // 3. per-PID sweeps to a fixed point.
  j?.flush();
  testPause();
  let table = o.planTable;
  let firstRound = true;
  const sentAt = new Map<number, { at: number; starttime: number }>();
  for (;;) {
    r.rounds++;
    const t0 = Date.now();
    const match = o.matcherFor(table);
    /** Matches seen running in this sweep; `running` keeps those whose STOP is still in flight. */
    let seenRunning = 0;
    const running: ProcRef[] = [];
    let sent = 0;
    for (let i = 0; i < table.count; i++) {
      const pid = table.pid[i]!;
      if (r.stopped.has(pid)) continue;
      const isMatch = match(table, i);
      const g = groupIds.get(table.pgrp[i]!);
      if (!isMatch) {
        if (g !== undefined && table.state[i] !== Z) g.tainted = true;
        continue;
      }
      const ref = refOf(table, i);
      if (protect.reason({ pid, ppid: table.ppid[i]!, starttime: ref.starttime, flags: table.flags[i]!, comm: ref.comm }, o.allowDaemons) !== undefined) {
        if (g !== undefined) g.tainted = true;
        continue;
      }
      const state = table.state[i]!;
      if (state === Z || state === X) continue;
      if (state === T || state === t) {
        r.stopped.set(pid, ref);
        continue;
      }
      if (eperm.has(pid)) continue;
      seenRunning++;
      running.push(ref);
      // A STOP already sent to this very process is pending until it runs:
      // do not send it again. Only a SIGCONT discards a pending stop, so after
      // RESEND_AFTER_MS its pending set is read, and only a STOP that is no
      // longer there is sent again.
      const sentIn = sentAt.get(pid);
      if (sentIn !== undefined && sentIn.starttime === ref.starttime) {
        if (t0 - sentIn.at < RESEND_AFTER_MS || stopPendingOrStopped(o.procRoot, pid) !== false) continue;
      }
      // Round 1 works from the plan's scan, taken before the group STOPs:
      // members of a signalled group are checked by the next sweep instead.
      if (firstRound && g !== undefined && g.result === "ok") continue;
      mark();
      const res = stopOne(ref, o, r);
      sent++;
      sentAt.set(pid, { at: Date.now(), starttime: ref.starttime });
      if (res === "eperm") {
        eperm.add(pid);
        r.eperm.push(ref);
        seenRunning--;
        running.pop();
      } else if (res !== "ok" || r.stopped.has(pid)) running.pop(); // gone, a near miss, or stopped already
    }
    r.signalsSent += sent;
    const sweepMs = Date.now() - t0;
    r.sweepLog.push({ ms: r.firstSignalAt === null ? 0 : Date.now() - r.firstSignalAt, running: seenRunning, sent });
    // Quiescent: a full sweep (not the plan's scan) in which every match was already stopped.
    if (seenRunning === 0 && !firstRound) {
      r.quiescent = true;
      break;
    }
    if (r.rounds >= o.maxRounds) {
      r.reason = `${seenRunning} matches still running after ${r.rounds} sweeps (bound --max-rounds ${o.maxRounds}): they fork faster than a sweep; try again, or select a cgroup/process group`;
      break;
    }
    j?.flush();
    await o.checkpoint();
    // The STOPs just sent take effect when their targets next run: sleep so
    // they get the CPUs (never spin, least of all at real-time priority),
    // re-reading only those targets, not the whole table, until they have
    // stopped or the wait is over. The next full
    // sweep then judges: only one in which every match is seen stopped
    // proves that nothing is left that could still fork.
    // A sweep that found new matches may have missed their children: sweep
    // again soon. One that found none waits for the stops in flight.
    awaitStops(running, r, o.procRoot, sent > 0 ? Math.min(Math.max(2 * sweepMs, MIN_WAIT_MS), MAX_WAIT_MS) : MAX_WAIT_MS);
    table = sweepTable(o.procRoot, r.stopped);
    firstRound = false;
  }
  if (r.quiescent && r.firstSignalAt !== null) r.msToQuiescence = Date.now() - r.firstSignalAt;
  return r;
}

/**
 * Sleep in growing steps until every process in `pending` has stopped (or
 * is gone, or its PID changed hands: the next sweep judges those), or until
 * `budgetMs` has passed. Stopped ones go into r.stopped. Targets act on
 * their STOPs roughly in the order they were sent, so while one of the last
 * few sent is still running, the others are not re-read: the CPUs are left
 * to the targets (30,000 re-reads take a quarter of a second).
 */
function awaitStops(pending: ProcRef[], r: FreezeResult, procRoot: string, budgetMs: number): void {
  const rr = rereader(procRoot);
  const end = Date.now() + budgetMs;
  const running = (ref: ProcRef): boolean => {
    const st = rr.read(ref.pid);
    if (st === undefined || st.starttime !== ref.starttime || isDeadState(st.state)) return false;
    if (!isStoppedState(st.state)) return true;
    r.stopped.set(ref.pid, ref);
    return false;
  };
  let left = pending;
  for (let delay = 1; ; delay = Math.min(delay * 2, 16)) {
    sleepMs(Math.max(1, Math.min(delay, end - Date.now())));
    if (left.length <= PROBES || !left.slice(-PROBES).some(running)) left = left.filter(running);
    if (left.length === 0 || Date.now() >= end) return;
  }
}

/** SIGSTOP one process and check it is still the one we matched. */
function stopOne(ref: ProcRef, o: FreezeOptions, r: FreezeResult): string {
  const j = o.journal;
  const done = j?.begin({ pid: ref.pid, starttime: ref.starttime, comm: ref.comm, uid: ref.uid, sig: "STOP", strategy: "pid" });
  const res = sendSignal(ref.pid, "STOP");
  if (res !== "ok") {
    done?.(res);
    return res;
  }
  const now = rereader(o.procRoot).read(ref.pid);
  if (now === undefined) {
    done?.("gone");
    return "gone";
  }
  if (now.starttime !== ref.starttime || now.comm !== ref.comm) {
    done?.("near-miss");
    const uid = rereader(o.procRoot).read(ref.pid, true)?.uid ?? -1;
    const undo = j?.begin({ pid: ref.pid, starttime: now.starttime, comm: now.comm, uid, sig: "CONT", strategy: "undo" });
    undo?.(sendSignal(ref.pid, "CONT"));
    r.nearMisses.push({ pid: ref.pid, oldStart: ref.starttime, newStart: now.starttime, oldComm: ref.comm, newComm: now.comm });
    return "near-miss";
  }
  done?.("ok");
  if (isStoppedState(now.state)) r.stopped.set(ref.pid, ref);
  return "ok";
}

/** A fresh table of every process not yet confirmed stopped. */
export function sweepTable(procRoot: string, skip: Map<number, ProcRef>): ProcTable {
  let names: string[];
  try {
    names = readdirSync(procRoot);
  } catch (e) {
    throw new PidrescueError("NO_PROC", `cannot list ${procRoot} (${errnoCode(e) ?? String(e)})`);
  }
  const table = new ProcTable(Math.max(64, names.length - skip.size));
  for (const name of names) {
    const c = name.charCodeAt(0);
    if (c < 49 || c > 57) continue;
    const pid = +name;
    if (!Number.isInteger(pid) || skip.has(pid)) continue;
    appendPid(table, procRoot, pid);
  }
  return table;
}
