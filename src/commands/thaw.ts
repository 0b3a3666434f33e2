/** `thaw SELECTOR`: SIGCONT for stopped matches (a false alarm), and cgroups this session froze. */
import type { ArgsDef, ParsedArgs } from "citty";
import { ExitCode, PidrescueError } from "../errors.ts";
import type { RunContext } from "../cli/context.ts";
import { v1SetFrozen, v2SetFrozen } from "../engine/cgroupctl.ts";
import { journalFor, prepare } from "../engine/flow.ts";
import { sendSignal } from "../engine/signal.ts";
import { stillStopped } from "../engine/kill.ts";
import { emitJson } from "../ui/json.ts";
import { out } from "../ui/output.ts";

export function run(args: ParsedArgs<ArgsDef>, ctx: RunContext): ExitCode {
  const p = prepare(ctx, args.selector as string | undefined, false, true);
  const stopped = p.plan.targets.filter((t) => {
    const row = p.table.indexOf(t.pid);
    return row >= 0 && (p.table.state[row] === 84 || p.table.state[row] === 116);
  });
  const cg = ctx.session.frozenCgroups;
  if (stopped.length === 0 && cg.length === 0) throw new PidrescueError("NOTHING_MATCHED", `no stopped process matches ${p.plan.selector}`);
  if (ctx.opts.dryRun) {
    out(`would continue ${stopped.length} stopped matches and ${cg.length} frozen cgroups`);
    return ExitCode.Ok;
  }
  const journal = journalFor(ctx);
  let continued = 0;
  let failed = 0;
  for (const c of cg) {
    const end = journal?.begin({ pid: 0, starttime: 0, comm: "", uid: 0, sig: "thaw", strategy: `cgroup${c.version}`, target: c.path });
    const res = c.version === 2 ? v2SetFrozen(c.dir, false) : v1SetFrozen(c.dir, false);
    end?.(res);
    if (res !== "ok") failed++;
  }
  ctx.session.frozenCgroups = [];
  for (const t of stopped) {
    if (!stillStopped(ctx.opts.procRoot, t)) continue;
    const end = journal?.begin({ ...t, sig: "CONT", strategy: "pid" });
    const res = sendSignal(t.pid, "CONT");
    end?.(res);
    if (res === "ok") {
      continued++;
      ctx.session.frozen.delete(t.pid);
    } else if (res !== "gone") failed++;
  }
  journal?.flush();
  ctx.session.lastChanged = continued;
  ctx.session.history.push(`thaw ${p.plan.selector}: ${continued} continued`);
  const code = failed === 0 ? ExitCode.Ok : ExitCode.Partial;
  if (ctx.opts.json) emitJson("thaw", { continued, cgroups: cg.length, failed, journal: journal?.path ?? null, exit: code });
  else out(`continued ${continued} processes${cg.length ? `, thawed ${cg.length} cgroups` : ""}${failed ? `; ${failed} failed` : ""}`);
  return code;
}
