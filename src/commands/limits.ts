/**
 * `limits`: which limit on task creation is exhausted (pid_max, threads-max,
 * a pids cgroup, RLIMIT_NPROC) and by whom: one sentence, then the figures.
 * Readers: limits/collect.ts; judgement: limits/diagnose.ts (pure);
 * --json payload: see limitsJson in limits/text.ts.
 */
import type { ArgsDef, ParsedArgs } from "citty";
import { ExitCode } from "../errors.ts";
import type { RunContext } from "../cli/context.ts";
import { collectLimits } from "../limits/collect.ts";
import { diagnose } from "../limits/diagnose.ts";
import { limitsJson, limitsLines } from "../limits/text.ts";
import { LazyReader } from "../proc/lazy.ts";
import { emitJson } from "../ui/json.ts";
import { out } from "../ui/output.ts";
import { termWidth } from "../ui/term.ts";
import { scanForView } from "../views/scan.ts";
import { userNamer } from "../views/users.ts";

export function run(_args: ParsedArgs<ArgsDef>, ctx: RunContext): ExitCode {
  const procRoot = ctx.opts.procRoot;
  const t = scanForView(procRoot);
  const c = collectLimits(t, { procRoot, lazy: new LazyReader(procRoot), userName: userNamer() });
  const v = diagnose(c.input);
  if (ctx.opts.json) emitJson("limits", limitsJson(v, c));
  else out(limitsLines(v, c, termWidth()).join("\n"));
  return ExitCode.Ok;
}
