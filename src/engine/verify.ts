/**
 * After the kill: are any matches still alive, and how many slots are free?
 * Killed processes stay zombies until their parent or init reaps them, and
 * hold their PID slots until then, so live matches (survivors) and zombies
 * are counted apart, and we wait a little for the reaping before judging.
 */
import { readNumber } from "../system/selfinfo.ts";
import { sleepMs } from "../system/sleep.ts";
import { scanProcs } from "../proc/scanner.ts";
import type { ProcTable } from "../proc/table.ts";
import { refOf } from "./plan.ts";
import type { ProtectedSet } from "./protect.ts";
import type { Matcher, VerifyResult } from "./types.ts";

export interface VerifyOptions {
  procRoot: string;
  matcherFor: (table: ProcTable) => Matcher;
  allowDaemons: boolean;
  /** How long to wait for zombies to be reaped (ms). */
  reapWaitMs: number;
}

export function verify(protect: ProtectedSet, o: VerifyOptions): VerifyResult {
  const start = Date.now();
  let delay = 5;
  for (;;) {
    const table = scanProcs({ procRoot: o.procRoot, uid: false });
    const match = o.matcherFor(table);
    const survivors: VerifyResult["survivors"] = [];
    let zombies = 0;
    let tasks = 0;
    for (let i = 0; i < table.count; i++) {
      tasks += Math.max(1, table.threads[i]!);
      if (!match(table, i)) continue;
      const ref = refOf(table, i);
      if (protect.reason({ pid: ref.pid, ppid: table.ppid[i]!, starttime: ref.starttime, flags: table.flags[i]!, comm: ref.comm }, o.allowDaemons) !== undefined) continue;
      if (table.state[i] === 90 || table.state[i] === 88) zombies++;
      else survivors.push(ref);
    }
    const waited = Date.now() - start;
    if ((zombies === 0 && survivors.length === 0) || waited >= o.reapWaitMs) {
      const pidMax = readNumber(`${o.procRoot}/sys/kernel/pid_max`) ?? null;
      return { survivors, zombies, tasks, pidMax, freeSlots: pidMax === null ? null : Math.max(0, pidMax - tasks), waitedMs: waited };
    }
    sleepMs(delay);
    delay = Math.min(delay * 2, 100);
  }
}
