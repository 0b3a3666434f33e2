/**
 * The journal: one line per signal (or cgroup write), appended synchronously.
 *
 * Each line is written in two parts: everything but the result *before* the
 * signal is sent, the result after it. If pidrescue is killed between the
 * two, the line is still there, without its result: nothing sent is ever
 * missing from the journal. To keep it at one write(2) per signal (a rescue
 * sends tens of thousands), a result is held back and written together with
 * the start of the next line, i.e. still before the next signal; flush()
 * (the engine calls it at the end of every phase and before it sleeps) and
 * note() and close() write it out.
 *
 * Line format (tab-separated key=value, stable; see README "Journal"):
 *   time=2026-11-30T21:30:01.123456Z  mono=12.345678  pid=1234  start=5678
 *   comm=rogue.sh  uid=1001  sig=STOP  strategy=pid  result=ok
 * `mono` is seconds since this process was exec'd (from its starttime), so
 * benchmarks can read "exec -> first SIGSTOP" straight off the journal.
 */
import { closeSync, constants, openSync, writeSync } from "node:fs";
import { errnoCode } from "../errors.ts";

/** Linux O_CLOEXEC (same on x86-64 and arm64); Bun's fs.constants lacks it. */
const O_CLOEXEC = 0o2000000;

export interface JournalRecord {
  /** PID, or -PGID for a process-group signal, or 0 for a cgroup write. */
  pid: number;
  starttime: number;
  comm: string;
  uid: number;
  /** Signal name without SIG ("STOP", "KILL", "CONT") or a cgroup action ("freeze", "kill", "thaw"). */
  sig: string;
  /** "pid", "pgrp", "cgroup2", "cgroup1", "undo" (a SIGCONT after a PID-reuse near miss). */
  strategy: string;
  /** Extra target text, e.g. the cgroup path. */
  target?: string;
}

export class Journal {
  readonly path: string;
  private fd: number;
  private readonly epochMs: number;
  private open = false;
  /** The last line's "result\n", not written yet. */
  private pending = "";
  /** toISOString() of the millisecond in isoMs (lines come many per ms). */
  private isoMs = -1;
  private iso = "";

  private constructor(path: string, fd: number, epochMs: number) {
    this.path = path;
    this.fd = fd;
    this.epochMs = epochMs;
    this.open = true;
  }

  /**
   * Open (append, create 0600) the first usable of: explicit path,
   * /var/log/pidrescue.log, $HOME/pidrescue.log. Returns the journal and the
   * paths that failed, with their errno, for the report.
   */
  static openFirst(candidates: string[], epochMs: number): { journal: Journal | undefined; failures: string[] } {
    const failures: string[] = [];
    for (const path of candidates) {
      try {
        const fd = openSync(path, constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | O_CLOEXEC, 0o600);
        return { journal: new Journal(path, fd, epochMs), failures };
      } catch (e) {
        failures.push(`${path}: ${errnoCode(e) ?? String(e)}`);
      }
    }
    return { journal: undefined, failures };
  }

  /**
   * Write the first part of a line (and the previous line's result); call
   * the returned function with the result once the signal is sent.
   */
  begin(rec: JournalRecord): (result: string) => void {
    const now = Date.now();
    const line =
      `${this.pending}time=${this.isoOf(now)}\tmono=${((now - this.epochMs) / 1000).toFixed(3)}` +
      `\tpid=${rec.pid}\tstart=${rec.starttime}\tcomm=${escapeField(rec.comm)}\tuid=${rec.uid}` +
      `\tsig=${rec.sig}\tstrategy=${rec.strategy}${rec.target !== undefined ? `\ttarget=${escapeField(rec.target)}` : ""}\tresult=`;
    this.pending = "";
    this.write(line);
    return (result: string) => {
      this.pending = `${result}\n`;
    };
  }

  /** A free-form note line (start of a command, plan summary). */
  note(text: string): void {
    const line = `${this.pending}time=${this.isoOf(Date.now())}\tnote=${escapeField(text)}\n`;
    this.pending = "";
    this.write(line);
  }

  /** Write out a held-back result (end of a phase, before a sleep). */
  flush(): void {
    if (this.pending === "") return;
    const s = this.pending;
    this.pending = "";
    this.write(s);
  }

  close(): void {
    if (!this.open) return;
    this.flush();
    this.open = false;
    closeSync(this.fd);
  }

  private isoOf(ms: number): string {
    if (ms !== this.isoMs) {
      this.isoMs = ms;
      this.iso = new Date(ms).toISOString();
    }
    return this.iso;
  }

  private write(s: string): void {
    if (!this.open) return;
    const buf = Buffer.from(s, "utf8");
    let off = 0;
    while (off < buf.length) off += writeSync(this.fd, buf, off);
  }
}

/** Candidate journal paths, in order. */
export function journalCandidates(explicit: string | undefined, env: Record<string, string | undefined>): string[] {
  if (explicit !== undefined) return [explicit];
  const list = ["/var/log/pidrescue.log"];
  if (env.HOME) list.push(`${env.HOME.replace(/\/+$/, "")}/pidrescue.log`);
  list.push(`/tmp/pidrescue-${process.getuid?.() ?? "u"}.log`);
  return list;
}

/** Tabs, newlines and other control bytes never break a line. */
export function escapeField(s: string): string {
  return s.replace(/[\u0000-\u001f\u007f\\]/g, (c) => (c === "\\" ? "\\\\" : `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}`));
}

/** Parse a journal line back into fields (for tests, benchmarks and `journal`). */
export function parseJournalLine(line: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of line.split("\t")) {
    const eq = part.indexOf("=");
    if (eq > 0) out[part.slice(0, eq)] = part.slice(eq + 1);
  }
  return out;
}
