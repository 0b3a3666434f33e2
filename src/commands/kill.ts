/** `kill SELECTOR`: SIGKILL matches that are frozen, then verify. Running matches are left alone. */
import type { ArgsDef, ParsedArgs } from "citty";
import { ExitCode, PidrescueError } from "../errors.ts";
import type { RunContext } from "../cli/context.ts";
import { journalFor, prepare } from "../engine/flow.ts";
import { killFrozen } from "../engine/kill.ts";
import { epermText, killJson, killText, verifyJson, verifyText } from "../engine/report.ts";
import type { FreezeResult, ProcRef } from "../engine/types.ts";
import { verify } from "../engine/verify.ts";
import { emitJson } from "../ui/json.ts";
import { logger } from "../ui/logger.ts";
import { out } from "../ui/output.ts";
import { nothingMatched } from "./freeze.ts";

export function run(args: ParsedArgs<ArgsDef>, ctx: RunContext): ExitCode {
  const allow = args["include-protected"] === true;
  const p = prepare(ctx, args.selector as string | undefined, allow, true);
  if (p.plan.targets.length === 0) throw nothingMatched(p.plan.selector, p.plan.protectedHits.length);
  const stopped = new Map<number, ProcRef>();
  const running: ProcRef[] = [];
  for (const t of p.plan.targets) {
    const row = p.table.indexOf(t.pid);
    const st = row >= 0 ? p.table.state[row] : 0;
    if (st === 84 || st === 116) stopped.set(t.pid, t);
    else running.push(t);
  }
  const cgroups = ctx.session.frozenCgroups.map((c) => ({ ...c, pids: [] as number[], result: "ok" }));
  if (running.length > 0) logger.warn(`${running.length} matches are running, not frozen: they are left alone (freeze them first, or use rescue)`);
  if (stopped.size === 0 && cgroups.length === 0) throw new PidrescueError("NOTHING_MATCHED", `no frozen process matches ${p.plan.selector}`);
  if (ctx.opts.dryRun) {
    out(`would kill ${stopped.size} frozen matches of ${p.plan.selector}`);
    return ExitCode.Ok;
  }
  if (!ctx.opts.yes && !ctx.confirm(`SIGKILL ${stopped.size} frozen processes matching ${p.plan.selector}?`)) {
    throw new PidrescueError("ABORTED", ctx.interactive ? "not confirmed: nothing sent" : "not confirmed: pass --yes to kill without asking");
  }
  // Whole process groups that are all matches and all stopped: one kill(-pgid) each.
  const groups = p.plan.groups.filter((g) => g.pids.every((pid) => stopped.has(pid))).map((g) => ({ ...g, result: "ok", tainted: false }));
  const fr: FreezeResult = {
    cgroups, groups, rounds: 0, quiescent: true, reason: null, stopped, signalsSent: 0, nearMisses: [], eperm: [], msToQuiescence: null, firstSignalAt: null, sweepLog: [],
  };
  const journal = journalFor(ctx);
  journal?.note(`kill ${p.plan.selector}: ${stopped.size} frozen targets`);
  const k = killFrozen(fr, p.protect, { procRoot: ctx.opts.procRoot, journal });
  for (const pid of stopped.keys()) ctx.session.frozen.delete(pid);
  ctx.session.frozenCgroups = [];
  const v = verify(p.protect, { procRoot: ctx.opts.procRoot, matcherFor: (t) => p.sel.forTable(t), allowDaemons: allow, reapWaitMs: 3000, killed: k.victims });
  ctx.session.lastChanged = k.killed;
  ctx.session.history.push(`kill ${p.plan.selector}: ${k.killed} killed, ${v.survivors.length} left`);
  const code = v.survivors.length === 0 && k.eperm.length === 0 ? ExitCode.Ok : ExitCode.Partial;
  if (ctx.opts.json) emitJson("kill", { kill: killJson(k), verify: verifyJson(v), running: running.length, journal: journal?.path ?? null, exit: code });
  else out([...killText(k), ...verifyText(v), ...epermText(k.eperm, process.getuid?.() ?? -1), `journal: ${journal?.path ?? "none"}`].join("\n"));
  return code;
}
