/**
 * The /proc scanner: one readdir of the procfs root (a stream of entries
 * when the system has a million tasks or more), then for each PID one
 * open/read/close of <pid>/stat into a reused buffer plus an fstat of that
 * open descriptor for the owner uid (measured cheaper than a stat of the
 * directory: no path walk), parsed straight into a ProcTable. Nothing else
 * is read here; cmdline, exe, cgroup, status are lazy (lazy.ts).
 *
 * Every call is synchronous and creates no thread. Processes that vanish
 * mid-scan are skipped silently; ones we may not read (hidepid, not root)
 * are counted, not fatal.
 */
import { type Dir, closeSync, fstatSync, opendirSync, openSync, readSync, readdirSync } from "node:fs";
import { PidrescueError, errnoCode } from "../errors.ts";
import { DENIED, GONE, O_READ, expectedFailure, readInto, readText } from "./reader.ts";
import { PID_MAX_LIMIT, ProcTable, UID_UNKNOWN, type ScanInfo } from "./table.ts";
import { parseStat, type StatFields } from "./stat.ts";

export interface ScanOptions {
  /** procfs root: "/proc", or a fixture tree (--proc-root). */
  procRoot: string;
  /** Called every 4096 directory entries with (entries done, entries in all). */
  onProgress?: (done: number, total: number) => void;
  /** Read the owner uid (default true); false leaves UID_UNKNOWN, one syscall less per process. */
  uid?: boolean;
  /** Read the directory as a stream (true) or one array (false); default: by the task count. */
  stream?: boolean;
}

/** Stat lines are < 1.5 KB; one spare byte is kept for the parser's sentinel. */
const STAT_BUF = 4096;
let statBuf: Buffer | undefined;

/**
 * Above this many tasks (from <root>/loadavg) the directory is read as a
 * stream (opendir) instead of one array of names: 4M names would take about
 * 250 MB on top of the table. Below it readdirSync is a little faster.
 */
const STREAM_ABOVE = 1_000_000;

/** Scan every process under procRoot into a new table (what the scan saw besides rows: table.info). */
export function scanProcs(o: ScanOptions): ProcTable {
  const t0 = performance.now();
  const root = o.procRoot.endsWith("/") && o.procRoot.length > 1 ? o.procRoot.slice(0, -1) : o.procRoot;
  const tasks = totalTasks(root);
  const s = new Scan(root, o.uid !== false);
  const progress = o.onProgress;
  if (o.stream === false || (o.stream !== true && (tasks === undefined || tasks < STREAM_ABOVE))) {
    const names = listRoot(root);
    s.table = new ProcTable(names.length);
    const total = names.length;
    for (let k = 0; k < total; k++) {
      if (progress !== undefined && (k & 4095) === 4095) progress(k + 1, total);
      s.entry(names[k]!);
    }
    if (progress !== undefined) progress(total, total);
  } else {
    const dir = openRoot(root);
    s.table = new ProcTable(Math.min(tasks ?? 1024, PID_MAX_LIMIT));
    try {
      let k = 0;
      for (let e = dir.readSync(); e !== null; e = dir.readSync()) {
        if (progress !== undefined && (++k & 4095) === 0) progress(k, Math.max(k, tasks ?? 0));
        s.entry(e.name);
      }
      if (progress !== undefined) progress(k, k);
    } finally {
      dir.closeSync();
    }
  }
  const table = s.table;
  table.sortByPid();
  s.info.elapsedMs = performance.now() - t0;
  table.info = s.info;
  return table;
}

/** One scan's state; entry() is the per-directory-entry work. */
class Scan {
  table = new ProcTable(16);
  readonly info: ScanInfo;
  private readonly buf = (statBuf ??= Buffer.alloc(STAT_BUF));
  private readonly prefix: string;

  constructor(
    root: string,
    private readonly wantUid: boolean,
  ) {
    this.prefix = root + "/";
    this.info = { procRoot: root, candidates: 0, vanished: 0, denied: 0, malformed: 0, startedAt: Date.now(), elapsedMs: 0 };
  }

  entry(name: string): void {
    const c = name.charCodeAt(0);
    if (c < 49 || c > 57) return;
    const pid = +name;
    // "1e3" and the like are caught by the parser: stat's pid field must be name.length long.
    if (!(pid > 0) || pid % 1 !== 0) return;
    const info = this.info;
    info.candidates++;
    const path = this.prefix + name + "/stat";
    let fd: number;
    try {
      fd = openSync(path, O_READ);
    } catch (e) {
      if (expectedFailure(e, path) === GONE) info.vanished++;
      else info.denied++;
      return;
    }
    let n: number;
    let uid = UID_UNKNOWN;
    try {
      n = readSync(fd, this.buf, 0, STAT_BUF - 1, -1);
      if (this.wantUid) uid = fstatSync(fd).uid;
    } catch (e) {
      n = expectedFailure(e, path);
    } finally {
      closeSync(fd);
    }
    if (n === GONE) info.vanished++;
    else if (n === DENIED) info.denied++;
    else if (this.table.appendStat(this.buf, n, uid, pid, name.length) < 0) info.malformed++;
  }
}

/** One process's stat re-read (the kill engine's PID-reuse guard), with its owner uid; null if gone or unreadable. */
export function readStatOne(procRoot: string, pid: number): (StatFields & { uid: number }) | null {
  const path = `${procRoot}/${pid}/stat`;
  const buf = (statBuf ??= Buffer.alloc(STAT_BUF));
  let fd: number;
  try {
    fd = openSync(path, O_READ);
  } catch (e) {
    expectedFailure(e, path);
    return null;
  }
  try {
    const n = readSync(fd, buf, 0, STAT_BUF - 1, -1);
    const uid = fstatSync(fd).uid;
    const f = parseStat(buf.subarray(0, n));
    return f === null ? null : { ...f, uid };
  } catch (e) {
    expectedFailure(e, path);
    return null;
  } finally {
    closeSync(fd);
  }
}

/** Read a whole stat file (for tests and tools); GONE/DENIED as numbers. */
export function readStatBytes(procRoot: string, pid: number): Uint8Array | number {
  const buf = Buffer.alloc(STAT_BUF);
  const n = readInto(`${procRoot}/${pid}/stat`, buf);
  return n < 0 ? n : new Uint8Array(buf.subarray(0, n));
}

function listRoot(root: string): string[] {
  try {
    return readdirSync(root);
  } catch (e) {
    throw new PidrescueError("NO_PROC", `cannot list ${root} (${errnoCode(e) ?? String(e)})`);
  }
}

function openRoot(root: string): Dir {
  try {
    return opendirSync(root, { bufferSize: 1024 });
  } catch (e) {
    throw new PidrescueError("NO_PROC", `cannot list ${root} (${errnoCode(e) ?? String(e)})`);
  }
}

/** Tasks (threads included) in the system: the 4th field of loadavg, "running/total". */
function totalTasks(root: string): number | undefined {
  const text = readText(`${root}/loadavg`, 256);
  const total = text?.split(" ")[3]?.split("/")[1];
  const n = Number(total);
  return total !== undefined && Number.isInteger(n) ? n : undefined;
}
