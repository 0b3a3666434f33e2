/**
 * --json output: one stable envelope for every command.
 *
 *   {"pidrescue":1,"command":"doctor", ...payload}
 *
 * Conventions (version 1; README "JSON output"):
 *  - One JSON object per command run, on ONE line of stdout (JSON Lines):
 *    a script of several commands yields one object per line; `jq` reads them.
 *  - `pidrescue` is the envelope version, 1 until an incompatible change.
 *    `command` is the canonical command name ("ps", not "ls").
 *  - The other keys are the command's payload. Within a version, keys are
 *    only ever added, never renamed, removed or retyped. Absent values are
 *    null, not missing; counts are numbers; times are ISO 8601 UTC strings.
 *  - A command that fails emits the envelope with an `error` object instead
 *    of its payload: {"pidrescue":1,"command":"kill","error":
 *    {"code":"BAD_SELECTOR","message":"...","exit":2}}; `code` is an
 *    ErrorCode from errors.ts, `exit` the exit code. `command` is null
 *    when the command word itself was not understood.
 *  - Messages, warnings and progress never go to stdout, only to stderr.
 *  - The exit status is the same with or without --json (errors.ts).
 */
import { PidrescueError, exitCodeOf } from "../errors.ts";
import { out } from "./output.ts";

export const JSON_VERSION = 1;

/** The envelope as text (pure). Payload keys may not shadow the envelope's. */
export function jsonEnvelope(command: string | null, payload: Record<string, unknown>): string {
  if ("pidrescue" in payload || "command" in payload) {
    throw new PidrescueError("INTERNAL", `JSON payload of ${command} reuses an envelope key`);
  }
  return JSON.stringify({ pidrescue: JSON_VERSION, command, ...payload });
}

/** Write one command's result to stdout. */
export function emitJson(command: string, payload: Record<string, unknown>): void {
  out(jsonEnvelope(command, payload));
}

/** Write a failure of `command` to stdout (the one-line message still goes to stderr). */
export function emitJsonError(command: string | null, e: unknown): void {
  const code = e instanceof PidrescueError ? e.code : "INTERNAL";
  const message = e instanceof Error ? e.message : String(e);
  out(jsonEnvelope(command, { error: { code, message, exit: exitCodeOf(e) } }));
}
