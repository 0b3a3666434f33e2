/**
 * The race checks' re-reads of one process's stat (after a SIGSTOP, before
 * a SIGKILL or SIGCONT), done thousands of times per rescue.
 *
 * Measured on 10,000 targets in the safe mode (no JIT): proc/stat.ts's
 * parseStat() allocates a buffer, ten typed arrays and a parser per call,
 * and readStatOne() adds an fstat for the owner; together about a third of
 * a rescue's CPU time. Here each re-read is open/read/close into one reused
 * buffer, parsed by the table parser into a scratch ProcTable (names
 * interned once), and the owner is read only when a caller needs it.
 */
import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import { O_READ, expectedFailure, readText } from "../proc/reader.ts";
import { ProcTable, UID_UNKNOWN } from "../proc/table.ts";

/** A scratch table is replaced after this many rows (a row is only used right after its read). */
const ROWS = 4096;

export interface Reread {
  starttime: number;
  /** State letter as a char code ("T" = 84). */
  state: number;
  comm: string;
  /** UID_UNKNOWN unless asked for. */
  uid: number;
}

export class Rereader {
  private table = new ProcTable(ROWS);
  private readonly buf = Buffer.alloc(4096);

  constructor(private readonly procRoot: string) {}

  /** The process's stat now, or undefined when it is gone or unreadable. */
  read(pid: number, withUid = false): Reread | undefined {
    const path = `${this.procRoot}/${pid}/stat`;
    let fd: number;
    try {
      fd = openSync(path, O_READ);
    } catch (e) {
      expectedFailure(e, path);
      return undefined;
    }
    let n: number;
    let uid = UID_UNKNOWN;
    try {
      n = readSync(fd, this.buf, 0, this.buf.length - 1, -1);
      if (withUid) uid = fstatSync(fd).uid;
    } catch (e) {
      expectedFailure(e, path);
      return undefined;
    } finally {
      closeSync(fd);
    }
    if (this.table.count >= ROWS) this.table = new ProcTable(ROWS);
    const t = this.table;
    const row = t.appendStat(this.buf, n, uid, pid, String(pid).length);
    if (row < 0) return undefined;
    return { starttime: t.starttime[row]!, state: t.state[row]!, comm: t.name(row), uid };
  }
}

const T = 84;
const t = 116;
const Z = 90;
const X = 88;

export function isStoppedState(state: number): boolean {
  return state === T || state === t;
}

export function isDeadState(state: number): boolean {
  return state === Z || state === X;
}

/** SIGSTOP (19) in a /proc/<pid>/status pending mask. */
const SIGSTOP_BIT = 1 << 18;

/**
 * Is a SIGSTOP still waiting to be acted on by `pid` (in its shared or
 * per-thread pending set), or has it stopped? false when it runs with no
 * STOP pending, i.e. a STOP we sent was discarded (someone sent SIGCONT);
 * undefined when it is gone or unreadable.
 */
export function stopPendingOrStopped(procRoot: string, pid: number): boolean | undefined {
  const text = readText(`${procRoot}/${pid}/status`, 8192);
  return text === undefined ? undefined : parseStopPending(text);
}

/** Pure part of stopPendingOrStopped(): the text of /proc/<pid>/status. */
export function parseStopPending(status: string): boolean | undefined {
  const state = /(?:^|\n)State:\s*(\S)/.exec(status)?.[1];
  if (state === "T" || state === "t") return true;
  for (const key of ["ShdPnd", "SigPnd"]) {
    const hex = new RegExp(`(?:^|\\n)${key}:\\s*([0-9a-fA-F]+)`).exec(status)?.[1];
    if (hex === undefined) return undefined;
    if ((Number.parseInt(hex.slice(-8), 16) & SIGSTOP_BIT) !== 0) return true;
  }
  return false;
}

const shared = new Map<string, Rereader>();

/** One re-reader per procfs root, kept for the whole run. */
export function rereader(procRoot: string): Rereader {
  let r = shared.get(procRoot);
  if (r === undefined) shared.set(procRoot, (r = new Rereader(procRoot)));
  return r;
}
