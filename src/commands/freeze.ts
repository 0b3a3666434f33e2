/** `freeze SELECTOR`: SIGSTOP the selection until nothing new appears. */
import type { ArgsDef, ParsedArgs } from "citty";
import { ExitCode, PidrescueError } from "../errors.ts";
import type { RunContext } from "../cli/context.ts";
import { freezeStep, journalFor, maxRoundsOf, prepare } from "../engine/flow.ts";
import { epermText, freezeJson, freezeText, planJson, planText } from "../engine/report.ts";
import { emitJson } from "../ui/json.ts";
import { out } from "../ui/output.ts";

export async function run(args: ParsedArgs<ArgsDef>, ctx: RunContext): Promise<ExitCode> {
  const allow = args["include-protected"] === true;
  const rounds = maxRoundsOf(args["max-rounds"]);
  const p = prepare(ctx, args.selector as string | undefined, allow, true);
  if (p.plan.targets.length === 0) throw nothingMatched(p.plan.selector, p.plan.protectedHits.length);
  if (ctx.opts.dryRun) {
    if (ctx.opts.json) emitJson("freeze", { dryRun: true, plan: planJson(p.plan) });
    else out(planText(p.plan, undefined).join("\n"));
    return ExitCode.Ok;
  }
  const fr = await freezeStep(ctx, p, rounds, allow);
  ctx.session.lastChanged = fr.signalsSent;
  ctx.session.history.push(`freeze ${p.plan.selector}: ${fr.stopped.size} stopped in ${fr.rounds} sweeps`);
  const code = fr.quiescent && fr.eperm.length === 0 ? ExitCode.Ok : ExitCode.Partial;
  if (ctx.opts.json) emitJson("freeze", { plan: planJson(p.plan), freeze: freezeJson(fr), journal: journalFor(ctx)?.path ?? null, exit: code });
  else out([...freezeText(fr), ...epermText(fr.eperm, process.getuid?.() ?? -1), `journal: ${journalFor(ctx)?.path ?? "none"}`].join("\n"));
  return code;
}

export function nothingMatched(selector: string, protectedHits: number): PidrescueError {
  return new PidrescueError(
    "NOTHING_MATCHED",
    `no process to signal matches ${selector}${protectedHits > 0 ? ` (${protectedHits} protected matches are never signalled)` : ""}`,
  );
}
