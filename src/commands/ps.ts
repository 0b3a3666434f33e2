/**
 * `ps`: without a selector, the summary grouped by name (or --by), biggest
 * group first, fitted to one screen; with a selector, one row per match
 * (--columns, --limit). Flags and the selector are checked before the scan.
 *
 * --json payloads: see summaryJson (view "summary") and rowsJson (view
 * "rows"). With --json and no --limit, rows are all included, and groups up
 * to JSON_GROUPS (its `more` counts the rest; --limit 0 gives every group).
 */
import type { ArgsDef, ParsedArgs } from "citty";
import { ExitCode, PidrescueError } from "../errors.ts";
import type { RunContext } from "../cli/context.ts";
import { LazyReader } from "../proc/lazy.ts";
import { type Selector, describe, parseSelector, requireMatches, select, defaultEnv } from "../select/index.ts";
import { readNumber } from "../system/selfinfo.ts";
import { emitJson } from "../ui/json.ts";
import { out } from "../ui/output.ts";
import { termHeight, termWidth } from "../ui/term.ts";
import { COLUMNS, columnListText, parseColumns } from "../views/columns.ts";
import { viewEnv } from "../views/env.ts";
import { groupKeys, parseGroupBy } from "../views/group-keys.ts";
import { wholeFlag } from "../views/options.ts";
import { progress } from "../views/progress.ts";
import { DEFAULT_ROW_LIMIT, rowLines, rowsJson } from "../views/rows.ts";
import { scanForView } from "../views/scan.ts";
import { summarize } from "../views/summary.ts";
import { fitGroups, scanJson, summaryJson, summaryLines } from "../views/summary-text.ts";

/** Groups in a --json summary without --limit (a random-name bomb can make millions). */
export const JSON_GROUPS = 1000;

export function run(args: ParsedArgs<ArgsDef>, ctx: RunContext): ExitCode {
  if (args.list === true) {
    // JSON: { view: "columns", columns: [{ name, aliases, header, description, lazy: "cmdline"|"exe"|"cgroup"|null }] }
    if (ctx.opts.json) emitJson("ps", { view: "columns", columns: COLUMNS.map((c) => ({ name: c.name, aliases: c.aliases, header: c.header, description: c.description, lazy: c.lazy ?? null })) });
    else out(columnListText().join("\n"));
    return ExitCode.Ok;
  }
  const text = args.selector as string | undefined;
  const limit = wholeFlag(args.limit, "limit");
  const byGiven = typeof args.by === "string";
  const by = parseGroupBy(args.by as string | undefined);
  const columnsText = typeof args.columns === "string" ? args.columns : undefined;
  if (columnsText !== undefined && (text === undefined || byGiven)) {
    throw new PidrescueError("USAGE", "--columns is for rows (ps SELECTOR); the summary has fixed columns");
  }
  const cols = parseColumns(columnsText);
  const sel = text === undefined ? undefined : parseSelector(text);
  const procRoot = ctx.opts.procRoot;
  const t = scanForView(procRoot);
  const lazy = new LazyReader(procRoot);
  const env = viewEnv(procRoot, lazy);
  const rows = sel === undefined ? undefined : matches(sel, t, procRoot, lazy, env.nowMs);
  if (sel !== undefined && rows !== undefined && !byGiven) {
    if (ctx.opts.json) emitJson("ps", { ...rowsJson(t, rows, cols, env, { limit: limit ?? 0, selector: describe(sel) }), scan: scanJson(t) });
    else out(rowLines(t, rows, cols, env, { limit: limit ?? DEFAULT_ROW_LIMIT, width: termWidth() }).join("\n"));
    return ExitCode.Ok;
  }
  const p = by === "cgroup" ? progress("reading cgroups:") : undefined;
  let keys: ReturnType<typeof groupKeys>;
  try {
    keys = groupKeys(t, by, { userName: env.userName, lazy, onProgress: p?.onProgress });
  } finally {
    p?.done();
  }
  const height = termHeight();
  const detail = limit ?? (ctx.opts.json ? JSON_GROUPS : (n: number) => fitGroups(height, n));
  const s = summarize(t, { keys, rows, detail, kernelThreads: args.kernel === true });
  const pidMax = readNumber(`${procRoot}/sys/kernel/pid_max`);
  const selector = sel === undefined ? undefined : describe(sel);
  if (ctx.opts.json) emitJson("ps", summaryJson(s, t, env, { pidMax, selector }));
  else out(summaryLines(s, t, env, { pidMax, width: termWidth(), selector }).join("\n"));
  return ExitCode.Ok;
}

/** Rows matching the selector; NOTHING_MATCHED (exit 1) when none do. */
function matches(sel: Selector, t: Parameters<typeof select>[0], procRoot: string, lazy: LazyReader, nowMs: number): Int32Array {
  return requireMatches(select(t, sel, { ...defaultEnv(procRoot), lazy, nowMs }), sel);
}
