/**
 * `journal [--tail N]`: what this session did (ctx.session.history) and
 * where the journal file is; with --tail, its last N lines. The file itself
 * is written by engine/journal.ts; this only reads it.
 */
import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import type { ArgsDef, ParsedArgs } from "citty";
import { ExitCode, PidrescueError, errnoCode } from "../errors.ts";
import type { RunContext } from "../cli/context.ts";
import { journalCandidates } from "../engine/journal.ts";
import { emitJson } from "../ui/json.ts";
import { out } from "../ui/output.ts";

/** Read at most this much of the file's end for --tail. */
const TAIL_BYTES = 256 * 1024;

export function run(args: ParsedArgs<ArgsDef>, ctx: RunContext): ExitCode {
  const tail = parseTail(args.tail);
  const candidates = journalCandidates(ctx.opts.journalPath, process.env);
  // The file this session writes to, once it has signalled; else the one a session would use.
  const path = ctx.session.journal?.path ?? candidates.find(isFile);
  const failures = ctx.session.journalFailures;
  const lines = tail === undefined || path === undefined ? null : lastLines(readEnd(path, TAIL_BYTES), tail);
  const history = ctx.session.history;
  if (ctx.opts.json) {
    emitJson("journal", { path: path ?? null, candidates, failures, history, tail: lines });
    return ExitCode.Ok;
  }
  out(path !== undefined ? `journal file: ${path}` : `journal file: none yet (the first writable of ${candidates.join(", ")})`);
  if (failures.length > 0) out(`could not open: ${failures.join("; ")}`);
  out(history.length === 0 ? "this session: nothing done yet" : `this session (${history.length}):`);
  for (const h of history) out(`  ${h}`);
  if (lines !== null) {
    out(`last ${lines.length} line${lines.length === 1 ? "" : "s"} of ${path}:`);
    for (const l of lines) out(`  ${l}`);
  }
  return ExitCode.Ok;
}

/** The last `n` complete lines of `text` (pure). */
export function lastLines(text: string, n: number): string[] {
  const lines = text.split("\n");
  if (lines[lines.length - 1] === "") lines.pop();
  return n === 0 ? [] : lines.slice(-n);
}

function parseTail(v: unknown): number | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== "string" || !/^\d+$/.test(v)) throw new PidrescueError("USAGE", "--tail needs a whole number of lines");
  return Number(v);
}

function isFile(path: string): boolean {
  try {
    const fd = openSync(path, "r");
    try {
      return fstatSync(fd).isFile();
    } finally {
      closeSync(fd);
    }
  } catch (e) {
    const code = errnoCode(e);
    if (code === "ENOENT" || code === "EACCES" || code === "ENOTDIR" || code === "EPERM") return false;
    throw e;
  }
}

/** The last `max` bytes of a file, from the first full line in them. */
function readEnd(path: string, max: number): string {
  const fd = openSync(path, "r");
  try {
    const size = fstatSync(fd).size;
    const start = Math.max(0, size - max);
    const buf = Buffer.allocUnsafe(size - start);
    let got = 0;
    while (got < buf.length) {
      const n = readSync(fd, buf, got, buf.length - got, start + got);
      if (n === 0) break;
      got += n;
    }
    const text = buf.toString("utf8", 0, got);
    return start === 0 ? text : text.slice(text.indexOf("\n") + 1);
  } finally {
    closeSync(fd);
  }
}
