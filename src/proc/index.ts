/**
 * procfs access: scanner, process table, stat parser, lazy per-process fields.
 *
 *   const t = scanProcs({ procRoot, onProgress?, uid?, stream? })  // ProcTable in PID order
 *   t.info: ScanInfo {candidates, vanished, denied, malformed, startedAt, elapsedMs}
 *   t.count; per row i: t.pid[i] t.ppid[i] t.pgrp[i] t.sid[i] t.tty[i] (tty_nr) t.tpgid[i]
 *     t.uid[i] (UID_UNKNOWN if unread) t.flags[i] t.threads[i] t.starttime[i] (ticks after boot)
 *     t.state[i] (char code; t.stateChar(i)) t.nameId[i] (t.names.text(id) / .bytes(id) / .size)
 *   t.name(i) display text (lossless: \xNN for odd bytes, \\ for a backslash), t.isKernelThread(i)
 *   t.indexOf(pid) -> row or -1; t.pidIndex() dense pid -> row + 1 for tight loops
 *   readStatOne(procRoot, pid) -> StatFields & {uid} | null   (PID-reuse guard: compare starttime)
 *   parseStat(bytes) -> StatFields | null   (pure, one line; null when cut short)
 *   table.appendStat(buf, len, uid, pid, pidLen?) -> row | -1  (add one re-read process)
 *   new LazyReader(procRoot): cmdline/exe/cgroup/status/limits/loginuid(pid, starttime), cached
 *   readBootTime(procRoot), ageSeconds(starttime, bootTime, nowMs), CLK_TCK = 100
 *   ttyName(ttyNr) / ttyNumber(name); commDisplay(bytes, s, e) / commBytesFromDisplay(text)
 * Column arrays are replaced when a table grows: index through the table, never keep a
 * column across appendStat. Nothing here creates a thread; all reads are synchronous.
 */
export { scanProcs, readStatOne, readStatBytes, type ScanOptions } from "./scanner.ts";
export { ProcTable, UID_UNKNOWN, PID_MAX_LIMIT, type ScanInfo } from "./table.ts";
export { NameTable } from "./names.ts";
export { parseStat, StatParser, PF_KTHREAD, newSink, type StatFields, type StatSink } from "./stat.ts";
export { LazyReader, LOGINUID_UNSET, joinArgs, type LazyField } from "./lazy.ts";
export { readBootTime, parseBtime, ageSeconds, CLK_TCK } from "./clock.ts";
export { ttyName, ttyNumber, ttyMajor, ttyMinor } from "./tty.ts";
export { commDisplay, commBytesFromDisplay } from "./comm.ts";
export { GONE, DENIED, readInto, readText, readBytes, readLink } from "./reader.ts";
