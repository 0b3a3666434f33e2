/** `limits`: placeholder until its issue lands. */
import type { ArgsDef, ParsedArgs } from "citty";
import { type ExitCode, PidrescueError } from "../errors.ts";
import type { RunContext } from "../cli/context.ts";

export function run(_args: ParsedArgs<ArgsDef>, _ctx: RunContext): ExitCode {
  throw new PidrescueError("INTERNAL", "limits is not implemented yet");
}
