/**
 * `tree PID|SELECTOR [--depth N]`: for the matches, the chain of ancestors
 * up from PID 1 and the descendants to --depth levels (default 3), with
 * same-name fan-outs collapsed and every cut counted (views/tree-model.ts).
 * --json payload: see treeJson in views/tree-text.ts.
 */
import type { ArgsDef, ParsedArgs } from "citty";
import { ExitCode, PidrescueError } from "../errors.ts";
import type { RunContext } from "../cli/context.ts";
import { LazyReader } from "../proc/lazy.ts";
import { defaultEnv, describe, parseSelector, requireMatches, select } from "../select/index.ts";
import { emitJson } from "../ui/json.ts";
import { out } from "../ui/output.ts";
import { termWidth } from "../ui/term.ts";
import { viewEnv } from "../views/env.ts";
import { buildForest } from "../views/forest.ts";
import { wholeFlag } from "../views/options.ts";
import { scanForView } from "../views/scan.ts";
import { treeModel } from "../views/tree-model.ts";
import { treeJson, treeLines } from "../views/tree-text.ts";

export const DEFAULT_DEPTH = 3;

export function run(args: ParsedArgs<ArgsDef>, ctx: RunContext): ExitCode {
  const text = args.selector as string | undefined;
  if (text === undefined) throw new PidrescueError("USAGE", "tree needs a PID or a selector", "usage: pidrescue tree PID|SELECTOR [--depth N]");
  const depth = wholeFlag(args.depth, "depth", 0, 1000) ?? DEFAULT_DEPTH;
  // A bare number is a PID; anything else is a selector (parsed before the scan).
  const sel = parseSelector(/^\d+$/.test(text.trim()) ? `pid=${text.trim()}` : text);
  const query = describe(sel);
  const procRoot = ctx.opts.procRoot;
  const t = scanForView(procRoot);
  const lazy = new LazyReader(procRoot);
  const env = viewEnv(procRoot, lazy);
  const rows = requireMatches(select(t, sel, { ...defaultEnv(procRoot), lazy, nowMs: env.nowMs }), sel);
  const model = treeModel(t, buildForest(t), rows, { depth });
  if (ctx.opts.json) emitJson("tree", treeJson(model, t, env, { query, depth }));
  else out(treeLines(model, t, env, { query, width: termWidth() }).join("\n"));
  return ExitCode.Ok;
}
