/**
 * The allocation-free stat parser behind stat.ts, tuned for the JIT-less
 * interpreter (a byte read costs ~40 ns there, a native call ~150 ns, so
 * the work per line is counted in calls and bytes touched).
 *
 * A table's lines look alike: a bomb's thousands of copies differ in pid,
 * often in ppid, rarely in anything else. So the parser remembers byte runs
 * of earlier lines with the values they stood for, compares the new line's
 * bytes with them natively (Buffer.compare) and reuses the values on a match:
 *   segment  "(comm) S ppid ... starttime "  the whole line up to starttime
 *   head     "(comm) S "                     name and state (saves finding ')')
 *   tail     "pgrp ... starttime "           everything after ppid
 *   A, B, C  pgrp..flags / the ten skipped counters / threads..starttime
 * A run of bytes is only ever reused with the values parsed from those very
 * bytes, so a stale memory can cost time, never correctness. When the
 * segment rarely matches (a normal system) it is tried only now and then.
 *
 * Number loops stop at a sentinel (b[len] = 0) and at anything that is not a
 * digit or '-', so a ')' can never be taken for part of a field.
 */
import type { StatSink } from "./stat.ts";

const SEG_MAX = 512;
/**
 * Head and segment are remembered only for names a process can set itself
 * (at most 15 bytes): such a name is too short to hold a fake ") S " and
 * the 19 fields after it, so a matching head cannot hide a later ')'.
 * Longer names (kernel workers) always take the lastIndexOf way.
 */
const COMM_MEMO_MAX = 15;
const GROUP_MAX = 256;

export class StatParser {
  /** After a successful parse: comm is b[nameStart, nameEnd). */
  nameStart = 0;
  nameEnd = 0;
  /** After a successful parse: the comm is the one of the remembered segment / head. */
  segHit = false;
  headHit = false;
  /** After a successful parse: this line's comm became the one of the segment / head. */
  segStored = false;
  headStored = false;

  private readonly seg = Buffer.alloc(SEG_MAX);
  private segLen = 0;
  private segValid = false;
  private segRp = 0;
  private segWait = 0;
  private segBackoff = 0;
  /** A hit makes it >= 2, misses take 1: >= 0 means the segment is worth a compare on every line. */
  private segScore = 0;
  private sPpid = 0;
  private sState = 0;

  private readonly head = Buffer.alloc(COMM_MEMO_MAX + 5);
  private headLen = 0;

  private readonly tail = Buffer.alloc(GROUP_MAX);
  private tailLen = 0;
  private tPgrp = 0;
  private tSid = 0;
  private tTty = 0;
  private tTpgid = 0;
  private tFlags = 0;
  private tThreads = 0;
  private tStart = 0;

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
   * Parse b[0, len) into row `row` of `t`. b[len] is overwritten (a
   * sentinel), so b needs one spare byte. `knownPid` >= 0: the pid is known
   * (from the directory name, `pidLen` digits, or 0 to look for the "(");
   * -1: parse it. Returns false, leaving the row to be overwritten, if the
   * line is cut short or not a stat line.
   */
  parseInto(b: Buffer, len: number, t: StatSink, row: number, knownPid: number, pidLen: number): boolean {
    this.segHit = false;
    this.headHit = false;
    this.segStored = false;
    this.headStored = false;
    if (len < 8 || b[len - 1] !== 10) return false;
    b[len] = 0;
    let lp: number;
    if (knownPid >= 0) {
      lp = pidLen > 0 ? pidLen + 1 : b.indexOf(40);
      if (lp < 2 || b[lp - 1] !== 32 || b[lp] !== 40) return false;
      t.pid[row] = knownPid;
    } else {
      let i = 0;
      let c = 0;
      let v = 0;
      while ((c = b[i++]!) > 47) v = v * 10 + c - 48;
      if (c !== 32 || i < 2 || b[i] !== 40) return false;
      lp = i;
      t.pid[row] = v;
    }
    const L = this.segLen;
    const trySeg = this.segValid && (this.segScore >= 0 || this.segWait <= 0);
    this.segWait--;
    if (trySeg && lp + L < len && b.compare(this.seg, 0, L, lp, lp + L) === 0) {
      // The last ')' is where it was: nothing after starttime can hold one.
      this.segBackoff = 0;
      this.segScore = this.segScore < 0 ? 2 : Math.min(this.segScore + 2, 8);
      this.segHit = true;
      this.nameStart = lp + 1;
      this.nameEnd = lp + this.segRp;
      t.ppid[row] = this.sPpid;
      t.pgrp[row] = this.tPgrp;
      t.sid[row] = this.tSid;
      t.tty[row] = this.tTty;
      t.tpgid[row] = this.tTpgid;
      t.flags[row] = this.tFlags;
      t.threads[row] = this.tThreads;
      t.starttime[row] = this.tStart;
      t.state[row] = this.sState;
      return true;
    }
    this.segValid = false;
    let rp = -1;
    let end = -1;
    const H = this.headLen;
    if (H > 0 && lp + H < len && b.compare(this.head, 0, H, lp, lp + H) === 0) {
      // Same "(comm) S " as before; if the rest does not parse, the comm was
      // longer this time (it holds ") S "): find the last ')' after all.
      end = this.fields(b, len, t, row, lp + H);
      if (end >= 0) {
        rp = lp + H - 4;
        this.headHit = true;
      }
    }
    if (end < 0) {
      rp = b.lastIndexOf(41, len - 1);
      if (rp <= lp || rp + 5 >= len || b[rp + 1] !== 32 || b[rp + 3] !== 32) return false;
      end = this.fields(b, len, t, row, rp + 4);
      if (end < 0) return false;
      if (rp - lp - 1 <= COMM_MEMO_MAX) {
        b.copy(this.head, 0, lp, rp + 4);
        this.headLen = rp + 4 - lp;
        this.headStored = true;
      }
    }
    const state = b[rp + 2]!;
    t.state[row] = state;
    this.nameStart = lp + 1;
    this.nameEnd = rp;
    // After a miss, compare again only every segBackoff lines, with the line just before.
    if (trySeg || this.segWait <= 0 || this.segLen === 0) this.remember(b, lp, rp, end, t.ppid[row]!, state, trySeg);
    return true;
  }

  /** Fields 4-22 from b[i] (just after "(comm) S "); the index after starttime's space, or -1. */
  private fields(b: Buffer, len: number, t: StatSink, row: number, i: number): number {
    let c = 0;
    let v = 0;
    while ((c = b[i++]!) > 47) v = v * 10 + c - 48;
    if (c !== 32) return -1;
    t.ppid[row] = v;
    const T = this.tailLen;
    if (T > 0 && i + T < len && b.compare(this.tail, 0, T, i, i + T) === 0) {
      t.pgrp[row] = this.tPgrp;
      t.sid[row] = this.tSid;
      t.tty[row] = this.tTty;
      t.tpgid[row] = this.tTpgid;
      t.flags[row] = this.tFlags;
      t.threads[row] = this.tThreads;
      t.starttime[row] = this.tStart;
      return i + T;
    }
    const s = i;
    i = this.groupA(b, len, i);
    if (i < 0) return -1;
    i = this.groupB(b, len, i);
    if (i < 0) return -1;
    i = this.groupC(b, len, i);
    if (i < 0) return -1;
    t.pgrp[row] = this.tPgrp = this.mPgrp;
    t.sid[row] = this.tSid = this.mSid;
    t.tty[row] = this.tTty = this.mTty;
    t.tpgid[row] = this.tTpgid = this.mTpgid;
    t.flags[row] = this.tFlags = this.mFlags;
    t.threads[row] = this.tThreads = this.mThreads;
    t.starttime[row] = this.tStart = this.mStart;
    if (i - s <= GROUP_MAX) {
      b.copy(this.tail, 0, s, i);
      this.tailLen = i - s;
    } else this.tailLen = 0;
    return i;
  }

  /** pgrp session tty_nr tpgid flags into m*; index after them, or -1. */
  private groupA(b: Buffer, len: number, i: number): number {
    const L = this.memoALen;
    if (L > 0 && i + L < len && b.compare(this.memoA, 0, L, i, i + L) === 0) return i + L;
    const s = i;
    this.memoALen = 0;
    let c = 0;
    let v = 0;
    while ((c = b[i++]!) > 47) v = v * 10 + c - 48;
    if (c !== 32) return -1;
    this.mPgrp = v;
    v = 0;
    while ((c = b[i++]!) > 47) v = v * 10 + c - 48;
    if (c !== 32) return -1;
    this.mSid = v;
    v = 0;
    while ((c = b[i++]!) > 47) v = v * 10 + c - 48;
    if (c !== 32) return -1;
    this.mTty = v;
    let sign = 1;
    if (b[i] === 45) {
      i++;
      sign = -1;
    }
    v = 0;
    while ((c = b[i++]!) > 47) v = v * 10 + c - 48;
    if (c !== 32) return -1;
    this.mTpgid = sign * v;
    v = 0;
    while ((c = b[i++]!) > 47) v = v * 10 + c - 48;
    if (c !== 32) return -1;
    this.mFlags = v;
    if (i - s <= GROUP_MAX) {
      b.copy(this.memoA, 0, s, i);
      this.memoALen = i - s;
    }
    return i;
  }

  /** minflt cminflt majflt cmajflt utime stime cutime cstime priority nice: skipped. */
  private groupB(b: Buffer, len: number, i: number): number {
    const L = this.memoBLen;
    if (L > 0 && i + L < len && b.compare(this.memoB, 0, L, i, i + L) === 0) return i + L;
    const s = i;
    let c = 0;
    for (let f = 0; f < 10; f++) {
      while ((c = b[i++]!) > 47 || c === 45);
      if (c !== 32) return -1;
    }
    if (i - s <= GROUP_MAX) {
      b.copy(this.memoB, 0, s, i);
      this.memoBLen = i - s;
    }
    return i;
  }

  /** num_threads itrealvalue starttime into m*. */
  private groupC(b: Buffer, len: number, i: number): number {
    const L = this.memoCLen;
    if (L > 0 && i + L < len && b.compare(this.memoC, 0, L, i, i + L) === 0) return i + L;
    const s = i;
    this.memoCLen = 0;
    let c = 0;
    let v = 0;
    while ((c = b[i++]!) > 47) v = v * 10 + c - 48;
    if (c !== 32) return -1;
    this.mThreads = v;
    while ((c = b[i++]!) > 47 || c === 45);
    if (c !== 32) return -1;
    v = 0;
    while ((c = b[i++]!) > 47) v = v * 10 + c - 48;
    if (c !== 32) return -1;
    this.mStart = v;
    if (i - s <= GROUP_MAX) {
      b.copy(this.memoC, 0, s, i);
      this.memoCLen = i - s;
    }
    return i;
  }

  /** Make b[lp, end) the segment to compare the next lines with (its tail values are t*). */
  private remember(b: Buffer, lp: number, rp: number, end: number, ppid: number, state: number, missed: boolean): void {
    if (missed) {
      // While at least about one try in four matches (siblings in a tree of
      // forks), keep trying every line; below that (a normal system), try
      // again later and less often.
      if (this.segScore > -8) this.segScore--;
      if (this.segScore < 0) {
        this.segBackoff = this.segBackoff === 0 ? 1 : Math.min(this.segBackoff * 2, 64);
        this.segWait = this.segBackoff;
      }
    }
    if (end - lp > SEG_MAX || rp - lp - 1 > COMM_MEMO_MAX) return;
    b.copy(this.seg, 0, lp, end);
    this.segLen = end - lp;
    this.segRp = rp - lp;
    this.sPpid = ppid;
    this.sState = state;
    this.segValid = true;
    this.segStored = true;
  }
}
