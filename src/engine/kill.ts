/**
 * SIGKILL for frozen targets only. Atomic means first: cgroup.kill for a
 * frozen v2 cgroup (v1: per PID, then thaw so the kills land), kill(-pgid)
 * for a stopped process group that no bystander joined; then per PID, and
 * only to a process re-read as stopped with the starttime it was matched
 * with (a stopped process cannot exit, so its PID cannot have been reused).
 */
import { v1SetFrozen, v2Kill, v2SetFrozen } from "./cgroupctl.ts";
import { subtreePids } from "./cgroup-plan.ts";
import type { Journal } from "./journal.ts";
import type { ProtectedSet } from "./protect.ts";
import { isDeadState, isStoppedState, rereader } from "./reread.ts";
import { sendSignal } from "./signal.ts";
import type { FreezeResult, KillResult, ProcRef } from "./types.ts";

export interface KillOptions {
  procRoot: string;
  journal: Journal | undefined;
}

export function killFrozen(fr: FreezeResult, protect: ProtectedSet, o: KillOptions): KillResult {
  try {
    return killAll(fr, protect, o);
  } finally {
    o.journal?.flush();
  }
}

function killAll(fr: FreezeResult, protect: ProtectedSet, o: KillOptions): KillResult {
  const r: KillResult = { killed: 0, victims: new Map(), signalsSent: 0, at: 0, skippedChanged: 0, eperm: [], groupKills: 0, cgroupKills: 0 };
  const j = o.journal;
  const done = new Set<number>();
  const inFrozenCgroup = new Set<number>();
  for (const c of fr.cgroups) if (c.result === "ok") for (const p of c.pids) inFrozenCgroup.add(p);
  const confirmed = (ref: ProcRef): boolean => stillStopped(o.procRoot, ref, inFrozenCgroup.has(ref.pid));

  for (const c of fr.cgroups) {
    if (c.result !== "ok") continue;
    const now = subtreePids(c.dir) ?? [];
    if (!now.every((p) => fr.stopped.has(p))) continue; // something joined: per PID below
    if (c.version === 2) {
      const end = j?.begin({ pid: 0, starttime: 0, comm: "", uid: 0, sig: "kill", strategy: "cgroup2", target: c.path });
      const res = v2Kill(c.dir);
      end?.(res);
      r.signalsSent++;
      if (res === "ok") {
        r.cgroupKills++;
        for (const p of now) {
          done.add(p);
          const ref = fr.stopped.get(p);
          if (ref !== undefined) r.victims.set(p, ref.starttime);
        }
        r.killed += now.length;
        const thaw = j?.begin({ pid: 0, starttime: 0, comm: "", uid: 0, sig: "thaw", strategy: "cgroup2", target: c.path });
        thaw?.(v2SetFrozen(c.dir, false));
        r.signalsSent++;
      }
    } else {
      for (const p of now) {
        const ref = fr.stopped.get(p);
        if (ref === undefined) continue;
        const end = j?.begin({ ...ref, sig: "KILL", strategy: "cgroup1" });
        const res = sendSignal(p, "KILL");
        end?.(res);
        r.signalsSent++;
        if (res === "ok") {
          done.add(p);
          r.victims.set(p, ref.starttime);
          r.killed++;
        }
      }
      const thaw = j?.begin({ pid: 0, starttime: 0, comm: "", uid: 0, sig: "thaw", strategy: "cgroup1", target: c.path });
      thaw?.(v1SetFrozen(c.dir, false));
      r.signalsSent++;
      r.cgroupKills++;
    }
  }

  for (const g of fr.groups) {
    if (g.result !== "ok" || g.tainted || protect.isForbiddenGroup(g.pgid)) continue;
    const members = [...fr.stopped.values()].filter((s) => s.pgrp === g.pgid && !done.has(s.pid));
    if (members.length === 0) continue;
    // Every member must still be the stopped process we matched.
    if (!members.every(confirmed)) continue;
    const end = j?.begin({ pid: -g.pgid, starttime: 0, comm: "", uid: -1, sig: "KILL", strategy: "pgrp" });
    const res = sendSignal(-g.pgid, "KILL");
    end?.(res);
    r.signalsSent++;
    if (res === "ok") {
      r.groupKills++;
      r.killed += members.length;
      for (const m of members) {
        done.add(m.pid);
        r.victims.set(m.pid, m.starttime);
      }
    }
  }

  for (const ref of fr.stopped.values()) {
    if (done.has(ref.pid)) continue;
    if (!confirmed(ref)) {
      r.skippedChanged++;
      continue;
    }
    const end = j?.begin({ pid: ref.pid, starttime: ref.starttime, comm: ref.comm, uid: ref.uid, sig: "KILL", strategy: "pid" });
    const res = sendSignal(ref.pid, "KILL");
    end?.(res);
    r.signalsSent++;
    if (res === "ok") {
      r.killed++;
      r.victims.set(ref.pid, ref.starttime);
    } else if (res === "eperm") r.eperm.push(ref);
  }
  r.at = Date.now();
  return r;
}

/**
 * Re-read: same starttime and stopped (T/t). A process in a frozen cgroup
 * shows S or D instead of T; `frozenCgroup` accepts any live state for it.
 */
export function stillStopped(procRoot: string, ref: ProcRef, frozenCgroup = false): boolean {
  const st = rereader(procRoot).read(ref.pid);
  if (st === undefined || st.starttime !== ref.starttime) return false;
  if (isStoppedState(st.state)) return true;
  return frozenCgroup && !isDeadState(st.state);
}
