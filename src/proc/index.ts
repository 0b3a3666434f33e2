/**
 * procfs access: scanner, process table, stat parser, lazy per-process fields.
 *
 *   const t = scanProcs({ procRoot, onProgress? , uid? })   // ProcTable; t.info: ScanInfo
 *   t.count; t.pid[i] t.ppid[i] t.pgrp[i] t.sid[i] t.tty[i] t.tpgid[i] t.uid[i] t.flags[i]
 *   t.threads[i] t.starttime[i] (ticks after boot) t.state[i] (char code) t.nameId[i]
 *   t.name(i) (display text, lossless \xNN escapes), t.stateChar(i), t.isKernelThread(i),
 *   t.indexOf(pid) -> row or -1, t.names.text(id) / t.names.bytes(id) / t.names.size
 *   readStatOne(procRoot, pid) -> StatFields & {uid} | null   (PID-reuse guard: compare starttime)
 *   parseStat(bytes) -> StatFields | null                    (pure, one line)
 *   new LazyReader(procRoot): cmdline/exe/cgroup/status/limits/loginuid(pid, starttime)
 *   readBootTime(procRoot), ageSeconds(starttime, bootTime, nowMs), CLK_TCK
 *   ttyName(ttyNr) / ttyNumber(name); commDisplay(bytes, s, e) / commBytesFromDisplay(text)
 * Column arrays are replaced when a table grows: index through the table, after the scan.
 * uid is UID_UNKNOWN (0xffffffff) when it could not be read.
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
