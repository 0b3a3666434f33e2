/** `shell [PATH]`: replace pidrescue with the admin's shell (execve, no fork). */
import type { ArgsDef, ParsedArgs } from "citty";
import { ExitCode } from "../errors.ts";
import type { RunContext } from "../cli/context.ts";
import { execShell, planShell } from "../system/execshell.ts";
import { logger } from "../ui/logger.ts";
import { leaveStoppedOk } from "../cli/frozen-guard.ts";

export function run(args: ParsedArgs<ArgsDef>, ctx: RunContext): ExitCode {
  const explicit = typeof args.path === "string" ? args.path : undefined;
  const plan = planShell(explicit, process.env, process.getuid?.() ?? 0);
  if (!leaveStoppedOk(ctx, "exec the shell")) return ExitCode.Aborted;
  logger.info(`exec ${plan.shell} (from ${plan.source})${plan.resetPolicy ? ", scheduling policy reset to SCHED_OTHER via chrt -o 0" : ""}`);
  if (plan.keepsRealtime) logger.warn("no util-linux chrt to reset the real-time policy: the shell keeps it (chrt -o -p 0 $$ in the shell resets it)");
  execShell(plan);
}
