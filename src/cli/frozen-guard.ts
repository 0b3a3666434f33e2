/**
 * Before leaving (exit, EOF, shell): processes this session stopped stay
 * stopped, holding their PID slots, and nobody may remember them. Say so,
 * and on a terminal ask first.
 */
import type { RunContext } from "./context.ts";
import { logger } from "../ui/logger.ts";

/** True when it is fine to go on with `action` ("exit", "exec the shell"). */
export function leaveStoppedOk(ctx: RunContext, action: string): boolean {
  const n = ctx.session.frozen.size;
  if (n === 0) return true;
  logger.warn(`${n} process${n === 1 ? " is" : "es are"} still stopped by this session (thaw or kill them first)`);
  if (!ctx.interactive) return true; // a script cannot answer; it was warned on stderr
  return ctx.confirm(`${action} and leave ${n === 1 ? "it" : "them"} stopped?`);
}
