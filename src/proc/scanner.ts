/**
 * The /proc scanner: one readdir of the procfs root, then for each PID one
 * open/read/close of <pid>/stat into a reused buffer plus an fstat of that
 * open descriptor for the owner uid (measured cheaper than a stat of the
 * directory: no path walk), parsed straight into a ProcTable. Nothing else
 * is read here; cmdline, exe, cgroup, status are lazy (lazy.ts).
 *
 * Every call is synchronous and creates no thread. Processes that vanish
 * mid-scan are skipped silently; ones we may not read (hidepid, not root)
 * are counted, not fatal.
 */
import { closeSync, fstatSync, openSync, readSync, readdirSync } from "node:fs";
import { PidrescueError, errnoCode } from "../errors.ts";
import { DENIED, GONE, O_READ, expectedFailure, readInto } from "./reader.ts";
import { ProcTable, UID_UNKNOWN, type ScanInfo } from "./table.ts";
import { parseStat, type StatFields } from "./stat.ts";

export interface ScanOptions {
  /** procfs root: "/proc", or a fixture tree (--proc-root). */
  procRoot: string;
  /** Called every 4096 directory entries with (entries done, entries in all). */
  onProgress?: (done: number, total: number) => void;
  /** Read the owner uid (default true); false leaves UID_UNKNOWN, one syscall less per process. */
  uid?: boolean;
}

/** Stat lines are < 1.5 KB; one spare byte is kept for the parser's sentinel. */
const STAT_BUF = 4096;
let statBuf: Buffer | undefined;

/** Scan every process under procRoot into a new table (what the scan saw besides rows: table.info). */
export function scanProcs(o: ScanOptions): ProcTable {
  const started = Date.now();
  const t0 = performance.now();
  const root = o.procRoot.endsWith("/") && o.procRoot.length > 1 ? o.procRoot.slice(0, -1) : o.procRoot;
  const names = listRoot(root);
  const table = new ProcTable(names.length);
  const info: ScanInfo = { procRoot: root, candidates: 0, vanished: 0, denied: 0, malformed: 0, startedAt: started, elapsedMs: 0 };
  const buf = (statBuf ??= Buffer.alloc(STAT_BUF));
  const wantUid = o.uid !== false;
  const progress = o.onProgress;
  const prefix = root + "/";
  const total = names.length;
  for (let k = 0; k < total; k++) {
    if (progress !== undefined && (k & 4095) === 4095) progress(k + 1, total);
    const name = names[k]!;
    const c = name.charCodeAt(0);
    if (c < 49 || c > 57) continue;
    const pid = +name;
    // "1e3" and the like are caught by the parser: stat's pid field must be name.length long.
    if (!(pid > 0) || pid % 1 !== 0) continue;
    info.candidates++;
    const path = prefix + name + "/stat";
    let fd: number;
    try {
      fd = openSync(path, O_READ);
    } catch (e) {
      if (expectedFailure(e, path) === GONE) info.vanished++;
      else info.denied++;
      continue;
    }
    let n: number;
    let uid = UID_UNKNOWN;
    try {
      n = readSync(fd, buf, 0, STAT_BUF - 1, -1);
      if (wantUid) uid = fstatSync(fd).uid;
    } catch (e) {
      n = expectedFailure(e, path);
    } finally {
      closeSync(fd);
    }
    if (n === GONE) info.vanished++;
    else if (n === DENIED) info.denied++;
    else if (table.appendStat(buf, n, uid, pid, name.length) < 0) info.malformed++;
  }
  if (progress !== undefined) progress(total, total);
  table.sortByPid();
  info.elapsedMs = performance.now() - t0;
  table.info = info;
  return table;
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
