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
 * The parser (stat-parser.ts) is designed for the JIT-less interpreter of
 * the safe mode: no allocation, few native calls, and byte runs of earlier
 * lines reused when a table's lines look alike.
 */
import { commDisplay } from "./comm.ts";
import { StatParser } from "./stat-parser.ts";

export { StatParser };

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
