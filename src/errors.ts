/**
 * The one error class of pidrescue, and the one place where outcomes map to
 * exit codes. Everything that ends a command early throws a PidrescueError.
 */

/** Process exit codes. Documented in the README ("Exit codes"). */
export const ExitCode = {
  /** The command did what was asked. */
  Ok: 0,
  /** A selector matched no process. */
  NothingMatched: 1,
  /** Bad command line, bad selector, unknown command or flag. */
  Usage: 2,
  /** Partly done: survivors remain, or some signals failed (EPERM). */
  Partial: 3,
  /** The admin (or a safety check) aborted before anything was sent. */
  Aborted: 4,
  /** The environment is unusable: no /proc, bad --proc-root, internal fault. */
  Environment: 5,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

export type ErrorCode =
  | "USAGE"
  | "UNKNOWN_COMMAND"
  | "UNKNOWN_FLAG"
  | "BAD_SELECTOR"
  | "NOTHING_MATCHED"
  | "PARTIAL"
  | "ABORTED"
  | "NO_PROC"
  | "IO"
  | "INTERNAL";

const EXIT_BY_CODE: Record<ErrorCode, ExitCode> = {
  USAGE: ExitCode.Usage,
  UNKNOWN_COMMAND: ExitCode.Usage,
  UNKNOWN_FLAG: ExitCode.Usage,
  BAD_SELECTOR: ExitCode.Usage,
  NOTHING_MATCHED: ExitCode.NothingMatched,
  PARTIAL: ExitCode.Partial,
  ABORTED: ExitCode.Aborted,
  NO_PROC: ExitCode.Environment,
  IO: ExitCode.Environment,
  INTERNAL: ExitCode.Environment,
};

export class PidrescueError extends Error {
  readonly code: ErrorCode;
  /** Extra one-line hint printed under the message (e.g. a usage line). */
  readonly hint: string | undefined;

  constructor(code: ErrorCode, message: string, hint?: string) {
    super(message);
    this.name = "PidrescueError";
    this.code = code;
    this.hint = hint;
  }

  get exitCode(): ExitCode {
    return EXIT_BY_CODE[this.code];
  }
}

/** Exit code for anything thrown: our errors map by code, the rest are internal. */
export function exitCodeOf(err: unknown): ExitCode {
  return err instanceof PidrescueError ? err.exitCode : ExitCode.Environment;
}

/** errno code of a Node-style system error ("ENOENT", "EPERM", ...), or undefined. */
export function errnoCode(err: unknown): string | undefined {
  if (typeof err === "object" && err !== null && "code" in err) {
    const c = (err as { code: unknown }).code;
    return typeof c === "string" ? c : undefined;
  }
  return undefined;
}
