/**
 * After the kill: are any matches still alive, and how many slots are free?
 * Killed processes stay zombies until their parent or init reaps them, and
 * hold their PID slots until then, so live matches (survivors), processes
 * killed but still exiting (dying), and zombies are counted apart, and we
 * wait for the exits and the reaping before judging.
 *
 * The wait is cheap, because the dying processes need the CPUs more than
 * we do (30,000 bash processes take seconds of kernel time to exit): it
 * sleeps, re-reads only the last few PIDs killed, and lists /proc (about
 * 1 µs a process) only when those are gone. It goes on while the number
 * left keeps falling, and gives up `reapWaitMs` after the last progress.
 * Then one full scan gives the verdict. A killed process's zombie counts
 * even when the selector no longer matches it (exe= of a zombie is
 * unreadable).
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
  /** How long to wait without progress for exits and reaping (ms). */
  reapWaitMs: number;
  /** What the kill step killed (pid -> starttime), in the order it was killed. */
  killed?: ReadonlyMap<number, number>;
}

/** Killed PIDs re-read per look (the most recently killed) before /proc is listed. */
const PROBES = 16;
/** Below this many killed PIDs still listed, each is re-read (is it still ours?). */
const REREAD_BELOW = 64;
/** List /proc at least this often while waiting (progress is judged on it). */
const LIST_EVERY_MS = 500;
/** Never wait longer than this many times reapWaitMs in all. */
const MAX_WAIT_FACTOR = 10;

export function verify(protect: ProtectedSet, o: VerifyOptions): VerifyResult {
  const start = Date.now();
  const killed = o.killed ?? new Map<number, number>();
  if (killed.size > 0) waitGone(o.procRoot, killed, o.reapWaitMs);
  let delay = 5;
  const end = Date.now() + o.reapWaitMs;
  for (;;) {
    const table = scanProcs({ procRoot: o.procRoot, uid: false });
    const match = o.matcherFor(table);
    const survivors: VerifyResult["survivors"] = [];
    let zombies = 0;
    let dying = 0;
    let tasks = 0;
    for (let i = 0; i < table.count; i++) {
      tasks += Math.max(1, table.threads[i]!);
      const dead = isDeadState(table.state[i]!);
      const ours = killed.get(table.pid[i]!) === table.starttime[i];
      if (ours) {
        if (dead) zombies++;
        else dying++; // SIGKILL cannot be caught: it is on its way out
        continue;
      }
      if (!match(table, i)) continue;
      const ref = refOf(table, i);
      if (protect.reason({ pid: ref.pid, ppid: table.ppid[i]!, starttime: ref.starttime, flags: table.flags[i]!, comm: ref.comm }, o.allowDaemons) !== undefined) continue;
      if (dead) zombies++;
      else survivors.push(ref);
    }
    const now = Date.now();
    if ((zombies === 0 && survivors.length === 0 && dying === 0) || now >= end) {
      const pidMax = readNumber(`${o.procRoot}/sys/kernel/pid_max`) ?? null;
      return { survivors, dying, zombies, tasks, pidMax, freeSlots: pidMax === null ? null : Math.max(0, pidMax - tasks), waitedMs: now - start, at: now };
    }
    sleepMs(delay);
    delay = Math.min(delay * 2, 100);
  }
}

/** Sleep (never spin) until no killed process is left in /proc, or until progress stops for `patienceMs`. */
function waitGone(procRoot: string, killed: ReadonlyMap<number, number>, patienceMs: number): void {
  const rr = rereader(procRoot);
  const ours = (pid: number): boolean => rr.read(pid)?.starttime === killed.get(pid);
  const hardEnd = Date.now() + patienceMs * MAX_WAIT_FACTOR;
  let left = [...killed.keys()];
  let lastProgress = Date.now();
  let lastList = 0;
  for (let delay = 1; ; delay = Math.min(delay * 2, 20)) {
    // The most recently killed exit last, roughly: while one of them is still
    // there, so are others, and listing /proc can wait (at most LIST_EVERY_MS).
    if (Date.now() - lastList >= LIST_EVERY_MS || !left.slice(-PROBES).some(ours)) {
      let now = listed(procRoot, killed);
      if (now.length < REREAD_BELOW) now = now.filter(ours); // a PID listed may be a new process already
      lastList = Date.now();
      if (now.length < left.length) lastProgress = lastList;
      left = now;
      if (left.length === 0) return;
    }
    const t = Date.now();
    if (t >= hardEnd || t - lastProgress >= patienceMs) return;
    sleepMs(delay);
  }
}

/** Killed PIDs that /proc still lists (readdir only), in kill order. */
function listed(procRoot: string, killed: ReadonlyMap<number, number>): number[] {
  let names: string[];
  try {
    names = readdirSync(procRoot);
  } catch (e) {
    throw new PidrescueError("NO_PROC", `cannot list ${procRoot} (${errnoCode(e) ?? String(e)})`);
  }
  const present = new Set<number>();
  for (const name of names) {
    const c = name.charCodeAt(0);
    if (c < 49 || c > 57) continue;
    const pid = +name;
    if (killed.has(pid)) present.add(pid);
  }
  return [...killed.keys()].filter((p) => present.has(p));
}
