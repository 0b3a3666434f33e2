/**
 * Command dispatch shared by the one-shot CLI and the REPL: find a command
 * (name, alias, unique prefix, did-you-mean), parse its tokens strictly,
 * run it, and turn any error into one line plus an exit code.
 */
import type { ArgsDef, ParsedArgs } from "citty";
import { type ExitCode, PidrescueError, exitCodeOf } from "../errors.ts";
import { flagTable, parseStrict } from "./args.ts";
import { COMMANDS, GLOBAL_ARGS, findCommand, type CommandSpec } from "./registry.ts";
import type { RunContext } from "./context.ts";
import { didYouMean, resolveAbbrev } from "./suggest.ts";
import { usageLine } from "./help.ts";
import { err } from "../ui/output.ts";
import { logger } from "../ui/logger.ts";

/** Parse a command's tokens strictly and run it. Shared with the REPL. */
export async function runSpec(spec: CommandSpec, tokens: string[], ctx: RunContext): Promise<ExitCode> {
  const args = parseStrict(tokens, spec.args, usageLine(spec), [...flagTable(GLOBAL_ARGS).keys()]);
  if (spec.takesSelector) normaliseSelector(args, spec);
  return spec.load()(args, ctx);
}

/** Command by name, alias or unique prefix; a usage error with a suggestion otherwise. */
export function lookup(word: string): CommandSpec {
  const hit = resolveWord(word, []);
  if ("spec" in hit) return hit.spec;
  throw new PidrescueError("INTERNAL", `${hit.builtin} is not a registry command`);
}

/**
 * Like lookup, with extra command words that are not in the registry (the
 * REPL's loop, help, exit...) taking part in abbreviations and suggestions.
 */
export function resolveWord(word: string, extra: readonly string[]): { spec: CommandSpec } | { builtin: string } {
  const names = COMMANDS.flatMap((c) => [c.name, ...c.aliases]);
  const all = [...names, ...extra];
  const hit = resolveAbbrev(word, all);
  if (hit !== undefined && "name" in hit) {
    if (extra.includes(hit.name)) return { builtin: hit.name };
    const spec = findCommand(hit.name);
    if (spec) return { spec };
  }
  if (hit !== undefined && "ambiguous" in hit) {
    throw new PidrescueError("UNKNOWN_COMMAND", `ambiguous command '${word}': ${hit.ambiguous.join(", ")}`, mainUsage());
  }
  const guess = didYouMean(word, extra.includes("help") ? all : [...all, "help"]);
  throw new PidrescueError("UNKNOWN_COMMAND", `unknown command '${word}'${guess ? ` (did you mean '${guess}'?)` : ""}`, mainUsage());
}

export function requireSpec(name: string): CommandSpec {
  const spec = findCommand(name);
  if (!spec) throw new PidrescueError("INTERNAL", `command ${name} missing from the registry`);
  return spec;
}

/** All positional words form the selector: `ps name=a or name=b`. */
function normaliseSelector(args: ParsedArgs<ArgsDef>, spec: CommandSpec): void {
  const words = args._.filter((w) => w !== "--");
  const text = words.join(" ").trim();
  const def = spec.args.selector;
  if (text === "" && def !== undefined && "required" in def && def.required === true) {
    throw new PidrescueError("USAGE", `${spec.name} needs a selector (an empty selection is never "everything")`, usageLine(spec));
  }
  (args as Record<string, unknown>).selector = text === "" ? undefined : text;
}

export function mainUsage(): string {
  return "usage: pidrescue [COMMAND] [SELECTOR] [FLAGS]   (pidrescue help)";
}

/** Print an error as one line (plus a usage hint) and return its exit code. */
export function report(e: unknown): ExitCode {
  if (e instanceof PidrescueError) {
    logger.error(e.message);
    if (e.hint) err(e.hint);
  } else {
    const msg = e instanceof Error ? e.message : String(e);
    logger.error(`internal error: ${msg}`);
    if (process.env.PIDRESCUE_DEBUG && e instanceof Error && e.stack) err(e.stack);
  }
  return exitCodeOf(e);
}

