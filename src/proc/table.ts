/**
 * The process table: one row per process, struct-of-arrays in typed arrays
 * that grow by doubling, names interned in a NameTable. No object per
 * process, so memory stays linear (53 bytes a row plus a 4-byte-per-PID
 * index built on demand): 4,194,304 processes fit in about 240 MB.
 *
 * Rows are in scan order (ascending PID for a /proc scan). Column arrays
 * are replaced when the table grows: index them through the table
 * (t.ppid[i]), never keep a column across appendStat calls.
 */
import { NameTable } from "./names.ts";
import { PF_KTHREAD, type StatSink } from "./stat.ts";
import { StatParser } from "./stat-parser.ts";

/** uid column value when the owner could not be read. */
export const UID_UNKNOWN = 0xffffffff;
/** The kernel's PID_MAX_LIMIT on 64-bit: the dense pid index covers up to this. */
export const PID_MAX_LIMIT = 4_194_304;

/** What a scan saw besides the rows. */
export interface ScanInfo {
  procRoot: string;
  /** Directory entries that looked like PIDs. */
  candidates: number;
  /** Gone between readdir and read (ENOENT/ESRCH). */
  vanished: number;
  /** Not readable by us (EACCES/EPERM). */
  denied: number;
  /** stat files that did not parse (cut short): should stay 0 on a real kernel. */
  malformed: number;
  /** Date.now() when the scan started, and how long it took. */
  startedAt: number;
  elapsedMs: number;
}

export class ProcTable implements StatSink {
  count = 0;
  capacity: number;
  pid: Int32Array;
  ppid: Int32Array;
  pgrp: Int32Array;
  sid: Int32Array;
  /** tty_nr as the kernel gives it (0 = none; see tty.ts). */
  tty: Int32Array;
  tpgid: Int32Array;
  /** Owner (euid of /proc/<pid>), UID_UNKNOWN if unreadable. */
  uid: Uint32Array;
  flags: Uint32Array;
  threads: Int32Array;
  /** Clock ticks after boot. */
  starttime: Float64Array;
  /** State letter as a char code ("S" = 83). */
  state: Uint8Array;
  nameId: Int32Array;
  readonly names = new NameTable();
  /** Set by scanProcs. */
  info: ScanInfo | undefined;
  private readonly parser = new StatParser();
  private segNameId = 0;
  private headNameId = 0;
  private dense: Int32Array | undefined;
  private sparse: Map<number, number> | undefined;
  private indexed = 0;

  constructor(capacityHint = 1024) {
    const n = Math.max(16, capacityHint);
    this.capacity = n;
    this.pid = new Int32Array(n);
    this.ppid = new Int32Array(n);
    this.pgrp = new Int32Array(n);
    this.sid = new Int32Array(n);
    this.tty = new Int32Array(n);
    this.tpgid = new Int32Array(n);
    this.uid = new Uint32Array(n);
    this.flags = new Uint32Array(n);
    this.threads = new Int32Array(n);
    this.starttime = new Float64Array(n);
    this.state = new Uint8Array(n);
    this.nameId = new Int32Array(n);
  }

  /**
   * Parse one stat line (b[0, len), with one spare byte after it) into a new
   * row. `knownPid` is the PID from the directory name (`pidLen` digits, 0 if
   * not counted), or -1 to parse it from the line.
   * Returns the row, or -1 (nothing added) if the line is truncated.
   */
  appendStat(b: Buffer, len: number, uid: number, knownPid: number, pidLen = 0): number {
    const row = this.count;
    if (row >= this.capacity) this.grow(row * 2);
    const p = this.parser;
    if (!p.parseInto(b, len, this, row, knownPid, pidLen)) return -1;
    if (p.segHit) {
      this.nameId[row] = this.segNameId;
    } else {
      const id = p.headHit ? this.headNameId : this.names.intern(b, p.nameStart, p.nameEnd);
      this.nameId[row] = id;
      if (p.headStored) this.headNameId = id;
      if (p.segStored) this.segNameId = id;
    }
    this.uid[row] = uid;
    this.count = row + 1;
    return row;
  }

  /** Row of a PID, or -1. The first call after appends indexes the new rows. */
  indexOf(pid: number): number {
    if (this.indexed < this.count) this.index();
    if (this.dense !== undefined) return pid >= 0 && pid < this.dense.length ? this.dense[pid]! - 1 : -1;
    return this.sparse?.get(pid) ?? -1;
  }

  /**
   * The dense PID index (pid -> row + 1, 0 = absent) for tight loops over
   * many rows; undefined if PIDs beyond PID_MAX_LIMIT forced a Map (use indexOf).
   */
  pidIndex(): Int32Array | undefined {
    if (this.indexed < this.count) this.index();
    return this.dense;
  }

  /** Display name of row i (comm.ts escaping). */
  name(i: number): string {
    return this.names.text(this.nameId[i]!);
  }

  isKernelThread(i: number): boolean {
    return (this.flags[i]! & PF_KTHREAD) !== 0;
  }

  /** State letter of row i. */
  stateChar(i: number): string {
    return String.fromCharCode(this.state[i]!);
  }

  /** Largest PID in the table (0 if empty). */
  maxPid(): number {
    let m = 0;
    const pid = this.pid;
    for (let i = 0; i < this.count; i++) if (pid[i]! > m) m = pid[i]!;
    return m;
  }

  /** Put rows in ascending PID order if they are not (fixture trees list in any order). */
  sortByPid(): void {
    const n = this.count;
    let sorted = true;
    for (let i = 1; i < n && sorted; i++) sorted = this.pid[i - 1]! < this.pid[i]!;
    if (sorted) return;
    // key = pid * 2^23 + row: a native numeric sort, exact in a double
    const keys = new Float64Array(n);
    for (let i = 0; i < n; i++) keys[i] = this.pid[i]! * 8388608 + i;
    keys.sort();
    const order = new Int32Array(n);
    for (let i = 0; i < n; i++) order[i] = keys[i]! % 8388608;
    this.pid = permute(this.pid, order);
    this.ppid = permute(this.ppid, order);
    this.pgrp = permute(this.pgrp, order);
    this.sid = permute(this.sid, order);
    this.tty = permute(this.tty, order);
    this.tpgid = permute(this.tpgid, order);
    this.uid = permute(this.uid, order);
    this.flags = permute(this.flags, order);
    this.threads = permute(this.threads, order);
    this.starttime = permute(this.starttime, order);
    this.state = permute(this.state, order);
    this.nameId = permute(this.nameId, order);
    this.dense = undefined;
    this.sparse = undefined;
    this.indexed = 0;
  }

  private index(): void {
    const from = this.indexed;
    let m = 0;
    for (let i = from; i < this.count; i++) if (this.pid[i]! > m) m = this.pid[i]!;
    if (this.sparse === undefined && m <= PID_MAX_LIMIT) {
      let d = this.dense;
      if (d === undefined || d.length <= m) {
        const size = Math.min(PID_MAX_LIMIT + 1, Math.max(m + 1, (d?.length ?? 0) * 2, 1024));
        const bigger = new Int32Array(size);
        if (d !== undefined) bigger.set(d);
        this.dense = d = bigger;
      }
      for (let i = from; i < this.count; i++) d[this.pid[i]!] = i + 1;
    } else {
      // PIDs beyond the kernel's limit only come from hand-made fixture trees.
      const s = (this.sparse ??= new Map());
      if (this.dense !== undefined) {
        for (let i = 0; i < from; i++) s.set(this.pid[i]!, i);
        this.dense = undefined;
      }
      for (let i = from; i < this.count; i++) s.set(this.pid[i]!, i);
    }
    this.indexed = this.count;
  }

  private grow(n: number): void {
    this.capacity = n;
    this.pid = i32(this.pid, n);
    this.ppid = i32(this.ppid, n);
    this.pgrp = i32(this.pgrp, n);
    this.sid = i32(this.sid, n);
    this.tty = i32(this.tty, n);
    this.tpgid = i32(this.tpgid, n);
    this.threads = i32(this.threads, n);
    this.nameId = i32(this.nameId, n);
    const uid = new Uint32Array(n);
    uid.set(this.uid);
    this.uid = uid;
    const flags = new Uint32Array(n);
    flags.set(this.flags);
    this.flags = flags;
    const st = new Float64Array(n);
    st.set(this.starttime);
    this.starttime = st;
    const state = new Uint8Array(n);
    state.set(this.state);
    this.state = state;
  }
}

function i32(a: Int32Array, n: number): Int32Array {
  const b = new Int32Array(n);
  b.set(a);
  return b;
}

interface Column<T> {
  [i: number]: number;
  slice(): T;
}

/** A copy of column `a` (same capacity) with rows in `order`. */
function permute<T extends Column<T>>(a: T, order: Int32Array): T {
  const b = a.slice();
  for (let i = 0; i < order.length; i++) b[i] = a[order[i]!]!;
  return b;
}
