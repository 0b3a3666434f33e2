/**
 * After the kill: are any matches still alive, and how many slots are free?
 * Killed processes stay zombies until their parent or init reaps them, and
 * hold their PID slots until then, so live matches (survivors) and zombies
 * are counted apart, and we wait a little for the reaping before judging.
 *
 * The wait is cheap: the killed PIDs are looked for in a bare readdir of
 * /proc (about 1 µs a process; a full scan opens a file per process), and
 * only the last few are re-read, to tell our zombies from a new process
 * that got the same PID. Then one full scan gives the verdict. A killed
 * process's zombie counts even when the selector no longer matches it
 * (exe= of a zombie is unreadable).
 */
import { readdirSync } from "node:fs";
import { PidrescueError, errnoCode } from "../errors.ts";
import { readNumber } from "../system/selfinfo.ts";
import { sleepMs } from "../system/sleep.ts";
import { scanProcs } from "../proc/scanner.ts";
import type { ProcTable } from "../proc/table.ts";
import { refOf } from "./plan.ts";
import type { ProtectedSet } from "./protect.ts";
import { isDeadState, rereader } from "./reread.ts";
import type { Matcher, VerifyResult } from "./types.ts";

export interface VerifyOptions {
  procRoot: string;
  matcherFor: (table: ProcTable) => Matcher;
  allowDaemons: boolean;
  /** How long to wait for zombies to be reaped (ms). */
  reapWaitMs: number;
  /** What the kill step killed (pid -> starttime). */
  killed?: ReadonlyMap<number, number>;
}

/** Below this many killed PIDs still listed, each is re-read (is it still ours?). */
const REREAD_BELOW = 64;

export function verify(protect: ProtectedSet, o: VerifyOptions): VerifyResult {
  const start = Date.now();
  const end = start + o.reapWaitMs;
  const killed = o.killed ?? new Map<number, number>();
  if (killed.size > 0) waitReaped(o.procRoot, killed, end);
  let delay = 5;
  for (;;) {
    const table = scanProcs({ procRoot: o.procRoot, uid: false });
    const match = o.matcherFor(table);
    const survivors: VerifyResult["survivors"] = [];
    let zombies = 0;
    let tasks = 0;
    for (let i = 0; i < table.count; i++) {
      tasks += Math.max(1, table.threads[i]!);
      const dead = isDeadState(table.state[i]!);
      if (dead && killed.get(table.pid[i]!) === table.starttime[i]) {
        zombies++;
        continue;
      }
      if (!match(table, i)) continue;
      const ref = refOf(table, i);
      if (protect.reason({ pid: ref.pid, ppid: table.ppid[i]!, starttime: ref.starttime, flags: table.flags[i]!, comm: ref.comm }, o.allowDaemons) !== undefined) continue;
      if (dead) zombies++;
      else survivors.push(ref);
    }
    const now = Date.now();
    if ((zombies === 0 && survivors.length === 0) || now >= end) {
      const pidMax = readNumber(`${o.procRoot}/sys/kernel/pid_max`) ?? null;
      return { survivors, zombies, tasks, pidMax, freeSlots: pidMax === null ? null : Math.max(0, pidMax - tasks), waitedMs: now - start, at: now };
    }
    sleepMs(delay);
    delay = Math.min(delay * 2, 100);
  }
}

/** Sleep (never spin) until no killed process is left in /proc, or until `end`. */
function waitReaped(procRoot: string, killed: ReadonlyMap<number, number>, end: number): void {
  const rr = rereader(procRoot);
  let delay = 1;
  for (;;) {
    const t0 = Date.now();
    let left = listed(procRoot, killed);
    if (left.length < REREAD_BELOW) left = left.filter((pid) => rr.read(pid)?.starttime === killed.get(pid));
    const now = Date.now();
    if (left.length === 0 || now >= end) return;
    // The dying processes need the CPUs to exit (and init to reap them): look
    // at most a third of the time (a readdir of 30,000 entries takes ~30 ms).
    delay = Math.min(Math.max(delay * 2, 3 * (now - t0)), 50);
    sleepMs(Math.min(delay, end - now));
  }
}

/** Killed PIDs that /proc still lists (readdir only). */
function listed(procRoot: string, killed: ReadonlyMap<number, number>): number[] {
  let names: string[];
  try {
    names = readdirSync(procRoot);
  } catch (e) {
    throw new PidrescueError("NO_PROC", `cannot list ${procRoot} (${errnoCode(e) ?? String(e)})`);
  }
  const out: number[] = [];
  for (const name of names) {
    const c = name.charCodeAt(0);
    if (c < 49 || c > 57) continue;
    const pid = +name;
    if (killed.has(pid)) out.push(pid);
  }
  return out;
}
