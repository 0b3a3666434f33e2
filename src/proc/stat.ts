/**
 * Pure parser for the bytes of /proc/<pid>/stat:
 *
 *   pid (comm) state ppid pgrp session tty_nr tpgid flags minflt ... num_threads itrealvalue starttime ...
 *
 * comm is whatever the process set (prctl PR_SET_NAME): spaces, '(', ')',
 * ") S 1 (", newlines, bytes that are not UTF-8, or nothing at all. It ends
 * at the LAST ')' of the line, because no field after it can hold one.
 * A line that is cut short (no final '\n', a field missing) yields nothing,
 * never half-parsed values.
 *
 * Designed for the JIT-less interpreter of the safe mode, where every byte
 * read costs about 40 ns and a native call about 100 ns: the ')' is found
 * with a native lastIndexOf, numbers are read in tight loops that stop on a
 * sentinel byte, and three groups of fields that are usually the same from
 * one process to the next in a full table (pgrp..flags, the ten counters we
 * skip, threads..starttime) are compared natively with the previous line's
 * bytes and reused when equal. No allocation per line.
 */
import { commDisplay } from "./comm.ts";

/** PF_KTHREAD in the flags field: the task is a kernel thread. */
export const PF_KTHREAD = 0x00200000;

/** Columns the parser fills (a ProcTable is one; so is the 1-row scratch below). */
export interface StatSink {
  pid: Int32Array;
  ppid: Int32Array;
  pgrp: Int32Array;
  sid: Int32Array;
  tty: Int32Array;
  tpgid: Int32Array;
  flags: Uint32Array;
  threads: Int32Array;
  starttime: Float64Array;
  state: Uint8Array;
}

/** One parsed stat line, for callers that want an object (one process at a time). */
export interface StatFields {
  pid: number;
  /** The raw comm bytes (a copy). */
  commBytes: Uint8Array;
  /** comm as text: printable UTF-8 kept, everything else as \xNN, backslash as \\ (lossless). */
  comm: string;
  /** One letter: R S D Z T t X I ... */
  state: string;
  ppid: number;
  pgrp: number;
  session: number;
  ttyNr: number;
  tpgid: number;
  flags: number;
  numThreads: number;
  /** Clock ticks after boot (field 22). */
  starttime: number;
  kernelThread: boolean;
}

/** Parse a whole stat file. null if it is truncated or not a stat line. */
export function parseStat(bytes: Uint8Array): StatFields | null {
  const b = Buffer.alloc(bytes.length + 1);
  b.set(bytes, 0);
  const sink = newSink(1);
  const p = new StatParser();
  if (!p.parseInto(b, bytes.length, sink, 0, -1, 0)) return null;
  const commBytes = b.slice(p.nameStart, p.nameEnd);
  return {
    pid: sink.pid[0] ?? 0,
    commBytes: new Uint8Array(commBytes),
    comm: commDisplay(commBytes, 0, commBytes.length),
    state: String.fromCharCode(sink.state[0] ?? 63),
    ppid: sink.ppid[0] ?? 0,
    pgrp: sink.pgrp[0] ?? 0,
    session: sink.sid[0] ?? 0,
    ttyNr: sink.tty[0] ?? 0,
    tpgid: sink.tpgid[0] ?? 0,
    flags: sink.flags[0] ?? 0,
    numThreads: sink.threads[0] ?? 0,
    starttime: sink.starttime[0] ?? 0,
    kernelThread: ((sink.flags[0] ?? 0) & PF_KTHREAD) !== 0,
  };
}

/**
 * The allocation-free parser. Remembers the previous lines (the "memo") so
 * a table of similar processes parses fast; use one per table.
 */
export class StatParser {
  /** After a successful parse: comm is b[nameStart, nameEnd). */
  nameStart = 0;
  nameEnd = 0;
  /** After a successful parse: comm..starttime equal the remembered segment (same name as then). */
  segHit = false;
  /** After a successful parse: this line's comm..starttime became the remembered segment. */
  segStored = false;
  // Whole segment "(comm) S ppid ... starttime ": one compare for a run of look-alikes.
  private readonly seg = Buffer.alloc(SEG_MAX);
  private segLen = 0;
  private segRp = 0;
  private segWait = 0;
  private segBackoff = 0;
  private sPpid = 0;
  private sPgrp = 0;
  private sSid = 0;
  private sTty = 0;
  private sTpgid = 0;
  private sFlags = 0;
  private sThreads = 0;
  private sStart = 0;
  private sState = 0;
  // Field groups, for lines that differ only in some fields (a tree of forks: ppid).
  private readonly memoA = Buffer.alloc(GROUP_MAX);
  private memoALen = 0;
  private mPgrp = 0;
  private mSid = 0;
  private mTty = 0;
  private mTpgid = 0;
  private mFlags = 0;
  private readonly memoB = Buffer.alloc(GROUP_MAX);
  private memoBLen = 0;
  private readonly memoC = Buffer.alloc(GROUP_MAX);
  private memoCLen = 0;
  private mThreads = 0;
  private mStart = 0;

  /**
   * Parse b[0, len) into row `row` of `t`. `b` must have room for one more
   * byte (b[len] is overwritten with a sentinel). With `knownPid` >= 0 (the
   * scanner knows it from the directory name, `pidLen` digits long, or 0 to
   * find the "(") the pid digits are not read again; with -1 they are parsed.
   * Returns false, leaving the row to be overwritten, if the line is cut short.
   */
  parseInto(b: Buffer, len: number, t: StatSink, row: number, knownPid: number, pidLen: number): boolean {
    this.segHit = false;
    this.segStored = false;
    if (len < 8 || b[len - 1] !== 10) return false;
    b[len] = 0;
    let i = 0;
    let c = 0;
    let v = 0;
    let lp: number;
    if (knownPid >= 0) {
      lp = pidLen > 0 ? pidLen + 1 : b.indexOf(40);
      if (lp < 2 || b[lp - 1] !== 32 || b[lp] !== 40) return false;
      v = knownPid;
    } else {
      while ((c = b[i++]!) > 47) v = v * 10 + c - 48;
      if (c !== 32 || i < 2 || b[i] !== 40) return false;
      lp = i;
    }
    t.pid[row] = v;
    let L = this.segLen;
    const trySeg = L > 0 && this.segWait <= 0;
    this.segWait--;
    if (trySeg && lp + L < len && b.compare(this.seg, 0, L, lp, lp + L) === 0) {
      // The last ')' is where it was: nothing after starttime can hold one.
      this.segBackoff = 0;
      this.segHit = true;
      this.nameStart = lp + 1;
      this.nameEnd = lp + this.segRp;
      t.ppid[row] = this.sPpid;
      t.pgrp[row] = this.sPgrp;
      t.sid[row] = this.sSid;
      t.tty[row] = this.sTty;
      t.tpgid[row] = this.sTpgid;
      t.flags[row] = this.sFlags;
      t.threads[row] = this.sThreads;
      t.starttime[row] = this.sStart;
      t.state[row] = this.sState;
      return true;
    }
    const rp = b.lastIndexOf(41, len - 1);
    if (rp <= lp || rp + 5 >= len || b[rp + 1] !== 32 || b[rp + 3] !== 32) return false;
    i = rp + 4;
    // field 4: ppid
    v = 0;
    while ((c = b[i++]!) > 47) v = v * 10 + c - 48;
    if (c !== 32) return false;
    const ppid = v;
    // fields 5-9: pgrp session tty_nr tpgid flags
    L = this.memoALen;
    if (L > 0 && i + L < len && b.compare(this.memoA, 0, L, i, i + L) === 0) {
      i += L;
    } else {
      const s = i;
      this.memoALen = 0;
      v = 0;
      while ((c = b[i++]!) > 47) v = v * 10 + c - 48;
      if (c !== 32) return false;
      this.mPgrp = v;
      v = 0;
      while ((c = b[i++]!) > 47) v = v * 10 + c - 48;
      if (c !== 32) return false;
      this.mSid = v;
      v = 0;
      while ((c = b[i++]!) > 47) v = v * 10 + c - 48;
      if (c !== 32) return false;
      this.mTty = v;
      if (b[i] === 45) {
        i++;
        v = 0;
        while ((c = b[i++]!) > 47) v = v * 10 + c - 48;
        v = -v;
      } else {
        v = 0;
        while ((c = b[i++]!) > 47) v = v * 10 + c - 48;
      }
      if (c !== 32) return false;
      this.mTpgid = v;
      v = 0;
      while ((c = b[i++]!) > 47) v = v * 10 + c - 48;
      if (c !== 32) return false;
      this.mFlags = v;
      if (i - s <= GROUP_MAX) {
        b.copy(this.memoA, 0, s, i);
        this.memoALen = i - s;
      }
    }
    // fields 10-19: minflt cminflt majflt cmajflt utime stime cutime cstime priority nice (not kept)
    L = this.memoBLen;
    if (L > 0 && i + L < len && b.compare(this.memoB, 0, L, i, i + L) === 0) {
      i += L;
    } else {
      const s = i;
      this.memoBLen = 0;
      for (let f = 0; f < 10; f++) {
        while ((c = b[i++]!) > 32);
        if (c !== 32) return false;
      }
      if (i - s <= GROUP_MAX) {
        b.copy(this.memoB, 0, s, i);
        this.memoBLen = i - s;
      }
    }
    // fields 20-22: num_threads itrealvalue starttime
    L = this.memoCLen;
    if (L > 0 && i + L < len && b.compare(this.memoC, 0, L, i, i + L) === 0) {
      i += L;
    } else {
      const s = i;
      this.memoCLen = 0;
      v = 0;
      while ((c = b[i++]!) > 47) v = v * 10 + c - 48;
      if (c !== 32) return false;
      this.mThreads = v;
      while ((c = b[i++]!) > 32);
      if (c !== 32) return false;
      v = 0;
      while ((c = b[i++]!) > 47) v = v * 10 + c - 48;
      if (c !== 32) return false;
      this.mStart = v;
      if (i - s <= GROUP_MAX) {
        b.copy(this.memoC, 0, s, i);
        this.memoCLen = i - s - 1;
      }
    }
    const state = b[rp + 2]!;
    t.ppid[row] = ppid;
    t.pgrp[row] = this.mPgrp;
    t.sid[row] = this.mSid;
    t.tty[row] = this.mTty;
    t.tpgid[row] = this.mTpgid;
    t.flags[row] = this.mFlags;
    t.threads[row] = this.mThreads;
    t.starttime[row] = this.mStart;
    t.state[row] = state;
    this.nameStart = lp + 1;
    this.nameEnd = rp;
    // After a miss, compare again only every segBackoff lines, with the line just before.
    if (trySeg || this.segWait <= 0 || this.segLen === 0) this.remember(b, lp, rp, i, ppid, state, trySeg);
    return true;
  }

  /** Make b[lp, end) the segment to compare the next lines with. */
  private remember(b: Buffer, lp: number, rp: number, end: number, ppid: number, state: number, missed: boolean): void {
    if (missed) {
      // Lines differ (a tree of forks, a normal system): try again later, less often.
      this.segBackoff = this.segBackoff === 0 ? 1 : Math.min(this.segBackoff * 2, 64);
      this.segWait = this.segBackoff;
    }
    if (end - lp > SEG_MAX) {
      this.segLen = 0;
      return;
    }
    b.copy(this.seg, 0, lp, end);
    this.segLen = end - lp;
    this.segRp = rp - lp;
    this.sPpid = ppid;
    this.sPgrp = this.mPgrp;
    this.sSid = this.mSid;
    this.sTty = this.mTty;
    this.sTpgid = this.mTpgid;
    this.sFlags = this.mFlags;
    this.sThreads = this.mThreads;
    this.sStart = this.mStart;
    this.sState = state;
    this.segStored = true;
  }
}

/** Longest remembered segment "(comm) ... starttime " and field group. */
const SEG_MAX = 512;
const GROUP_MAX = 256;

/** Columns for `rows` processes (a scratch sink for one-off parses). */
export function newSink(rows: number): StatSink {
  return {
    pid: new Int32Array(rows),
    ppid: new Int32Array(rows),
    pgrp: new Int32Array(rows),
    sid: new Int32Array(rows),
    tty: new Int32Array(rows),
    tpgid: new Int32Array(rows),
    flags: new Uint32Array(rows),
    threads: new Int32Array(rows),
    starttime: new Float64Array(rows),
    state: new Uint8Array(rows),
  };
}
