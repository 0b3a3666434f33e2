/** REPL placeholder until issue 4 lands. */
import { type ExitCode, PidrescueError } from "../errors.ts";
import type { RunContext } from "../cli/context.ts";

export function interactive(_ctx: RunContext): ExitCode {
  throw new PidrescueError("INTERNAL", "the REPL is not implemented yet");
}
export function script(_ctx: RunContext): ExitCode {
  throw new PidrescueError("INTERNAL", "script mode is not implemented yet");
}
