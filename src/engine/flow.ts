/**
 * The steps the signalling commands share: parse the selector (before
 * anything else), scan, build the protected set and the plan, open the
 * journal, and keep the session's record of what is frozen.
 */
import { PidrescueError } from "../errors.ts";
import type { RunContext } from "../cli/context.ts";
import { scanProcs } from "../proc/scanner.ts";
import type { ProcTable } from "../proc/table.ts";
import { checkpoint, interruptsHandled } from "../repl/cancel.ts";
import { logger } from "../ui/logger.ts";
import { buildProtection } from "./ancestry.ts";
import { freeze } from "./freeze.ts";
import { Journal, journalCandidates } from "./journal.ts";
import { compileSelection, type CompiledSelection } from "./matcher.ts";
import { makePlan } from "./plan.ts";
import type { ProtectedSet } from "./protect.ts";
import type { FreezeResult, Plan } from "./types.ts";

export interface Prepared {
  sel: CompiledSelection;
  table: ProcTable;
  protect: ProtectedSet;
  plan: Plan;
}

export const DEFAULT_MAX_ROUNDS = 64;

/** Selector first (a typo sends nothing), then scan, protection, plan. */
export function prepare(ctx: RunContext, selector: string | undefined, allowDaemons: boolean, sends: boolean): Prepared {
  if (selector === undefined || selector.trim() === "") {
    throw new PidrescueError("USAGE", 'a selector is required (an empty selection is never "everything")');
  }
  const procRoot = ctx.opts.procRoot;
  const sel = compileSelection(selector, procRoot);
  if (sends && procRoot !== "/proc" && !ctx.opts.dryRun) {
    throw new PidrescueError("USAGE", `--proc-root ${procRoot} is not the live /proc: signals would hit unrelated PIDs (use --dry-run)`);
  }
  const table = scanProcs({ procRoot });
  const protect = buildProtection(table, procRoot);
  const plan = makePlan(table, sel.forTable(table), protect, {
    selector: sel.describe,
    procRoot,
    allowDaemons,
    useCgroups: procRoot === "/proc",
  });
  return { sel, table, protect, plan };
}

/** The session's journal, opened at its first signal. */
export function journalFor(ctx: RunContext): Journal | undefined {
  const s = ctx.session;
  if (s.journal !== undefined) return s.journal;
  if (s.journalFailures.length > 0) return undefined;
  const { journal, failures } = Journal.openFirst(journalCandidates(ctx.opts.journalPath, process.env), processEpochMs());
  s.journalFailures = failures;
  if (journal === undefined) {
    logger.warn(`no journal: ${failures.join("; ")}`);
    if (ctx.opts.journalPath !== undefined) throw new PidrescueError("IO", `cannot open the journal ${ctx.opts.journalPath}`);
  }
  s.journal = journal;
  return journal;
}

export async function freezeStep(ctx: RunContext, p: Prepared, maxRounds: number, allowDaemons: boolean): Promise<FreezeResult> {
  const journal = journalFor(ctx);
  journal?.note(`freeze ${p.sel.describe}: ${p.plan.targets.length} targets`);
  const fr = await freeze(p.plan, p.protect, {
    procRoot: ctx.opts.procRoot,
    maxRounds,
    journal,
    allowDaemons,
    checkpoint: interruptsHandled() ? checkpoint : async () => {},
    matcherFor: (t) => p.sel.forTable(t),
    planTable: p.table,
  });
  for (const [pid, ref] of fr.stopped) ctx.session.frozen.set(pid, { starttime: ref.starttime, comm: ref.comm });
  for (const c of fr.cgroups) if (c.result === "ok") ctx.session.frozenCgroups.push({ version: c.version, path: c.path, dir: c.dir });
  return fr;
}

/** Parse --max-rounds. */
export function maxRoundsOf(v: unknown): number {
  if (v === undefined || v === "") return DEFAULT_MAX_ROUNDS;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > 100000) throw new PidrescueError("USAGE", `--max-rounds must be a whole number from 1 to 100000, not '${String(v)}'`);
  return n;
}

/**
 * Wall-clock time this process was exec'd, from its starttime (clock ticks
 * after boot) and the boot time in /proc/stat, so journal `mono` values count
 * from the exec of the first stage.
 */
export function processEpochMs(): number {
  const env = process.env.PIDRESCUE_EPOCH_MS;
  if (env !== undefined && Number.isFinite(Number(env))) return Number(env);
  return Date.now() - performance.now();
}
