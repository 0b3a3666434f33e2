/**
 * `rescue SELECTOR`: plan, confirm, freeze to a fixed point, kill, verify,
 * report. Repeats freeze+kill (at most 3 cycles) while live matches remain:
 * killing frees slots, and a straggler may only show up after that.
 */
import type { ArgsDef, ParsedArgs } from "citty";
import { ExitCode, PidrescueError } from "../errors.ts";
import type { RunContext } from "../cli/context.ts";
import { freezeStep, journalFor, maxRoundsOf, prepare, type Prepared } from "../engine/flow.ts";
import { killFrozen } from "../engine/kill.ts";
import { epermText, freezeJson, freezeText, killJson, killText, planJson, planText, verifyJson, verifyText } from "../engine/report.ts";
import type { FreezeResult, KillResult, VerifyResult } from "../engine/types.ts";
import { verify } from "../engine/verify.ts";
import { ownSched } from "../system/selfinfo.ts";
import { emitJson } from "../ui/json.ts";
import { out } from "../ui/output.ts";
import { nothingMatched } from "./freeze.ts";

const MAX_CYCLES = 3;

export async function run(args: ParsedArgs<ArgsDef>, ctx: RunContext): Promise<ExitCode> {
  const allow = args["include-protected"] === true;
  const rounds = maxRoundsOf(args["max-rounds"]);
  const selector = args.selector as string | undefined;
  let p: Prepared = prepare(ctx, selector, allow, true);
  const plan = p.plan;
  if (plan.targets.length === 0) throw nothingMatched(plan.selector, plan.protectedHits.length);
  if (!ctx.opts.json) out(planText(plan, ctx.opts.dryRun ? undefined : journalFor(ctx)?.path).join("\n"));
  if (ctx.opts.dryRun) {
    if (ctx.opts.json) emitJson("rescue", { dryRun: true, plan: planJson(plan), exit: ExitCode.Ok });
    else out("dry run: nothing sent");
    return ExitCode.Ok;
  }
  if (!ctx.opts.yes && !ctx.confirm(`freeze and kill ${plan.targets.length} processes matching ${plan.selector}?`)) {
    throw new PidrescueError("ABORTED", ctx.interactive ? "not confirmed: nothing sent" : "not confirmed: pass --yes for an unattended rescue");
  }
  const cycles: Array<{ freeze: FreezeResult; kill: KillResult; verify: VerifyResult }> = [];
  for (let cycle = 1; ; cycle++) {
    const fr = await freezeStep(ctx, p, rounds, allow);
    if (!ctx.opts.json) out(freezeText(fr).join("\n"));
    const k = killFrozen(fr, p.protect, { procRoot: ctx.opts.procRoot, journal: journalFor(ctx) });
    for (const pid of fr.stopped.keys()) ctx.session.frozen.delete(pid);
    ctx.session.frozenCgroups = [];
    if (!ctx.opts.json) out(killText(k).join("\n"));
    const v = verify(p.protect, { procRoot: ctx.opts.procRoot, matcherFor: (t) => p.sel.forTable(t), allowDaemons: allow, reapWaitMs: 3000, killed: k.victims });
    cycles.push({ freeze: fr, kill: k, verify: v });
    const stuck = v.survivors.length > 0 && v.survivors.every((s) => fr.eperm.some((e) => e.pid === s.pid));
    if (v.survivors.length === 0 || cycle >= MAX_CYCLES || stuck) break;
    p = prepare(ctx, selector, allow, true);
    if (p.plan.targets.length === 0) break;
  }
  const last = cycles[cycles.length - 1]!;
  const killed = cycles.reduce((a, c) => a + c.kill.killed, 0);
  const eperm = cycles.flatMap((c) => [...c.freeze.eperm, ...c.kill.eperm]);
  const nearMisses = cycles.reduce((a, c) => a + c.freeze.nearMisses.length, 0);
  const code = last.verify.survivors.length === 0 && eperm.length === 0 ? ExitCode.Ok : ExitCode.Partial;
  const journal = journalFor(ctx);
  ctx.session.lastChanged = killed;
  ctx.session.history.push(`rescue ${plan.selector}: ${killed} killed in ${cycles.length} cycle(s), ${last.verify.survivors.length} left`);
  const sched = ownSched();
  const prio = sched === undefined ? "unknown" : `${sched.policyName}${sched.rtPriority ? ` ${sched.rtPriority}` : ""}, nice ${sched.nice}`;
  if (ctx.opts.json) {
    emitJson("rescue", {
      plan: planJson(plan),
      cycles: cycles.map((c) => ({ freeze: freezeJson(c.freeze), kill: killJson(c.kill), verify: verifyJson(c.verify) })),
      killed,
      survivors: last.verify.survivors.length,
      dying: last.verify.dying,
      zombies: last.verify.zombies,
      nearMisses,
      eperm: eperm.length,
      freeSlots: last.verify.freeSlots,
      priority: prio,
      journal: journal?.path ?? null,
      exit: code,
    });
  } else {
    out(
      [
        ...verifyText(last.verify),
        ...epermText(eperm, process.getuid?.() ?? -1),
        `rescue ${code === ExitCode.Ok ? "done" : "incomplete"}: ${killed} killed in ${cycles.length} cycle(s); priority ${prio}`,
        `journal: ${journal?.path ?? "none (could not open one)"}`,
      ].join("\n"),
    );
  }
  return code;
}
