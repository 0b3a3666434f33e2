/**
 * The global flags (registry GLOBAL_ARGS) turned into GlobalOptions: once
 * for the command line, and per line in the REPL, where a flag on the line
 * applies to that line only (`rescue name=x --dry-run`).
 */
import type { ArgsDef, ParsedArgs } from "citty";
import { PidrescueError } from "../errors.ts";
import type { GlobalOptions } from "./context.ts";

export function globalOptions(g: ParsedArgs<ArgsDef>): GlobalOptions {
  requireValues(g);
  const procRoot = typeof g["proc-root"] === "string" && g["proc-root"] !== "" ? g["proc-root"] : "/proc";
  return {
    procRoot: procRoot.replace(/\/+$/, "") || "/",
    json: g.json === true,
    yes: g.yes === true,
    dryRun: g["dry-run"] === true,
    journalPath: typeof g.journal === "string" && g.journal !== "" ? g.journal : undefined,
    boost: g.boost !== false,
    color: g.color !== false,
  };
}

/**
 * Options for one REPL line: the session's, changed by the flags on the
 * line. --json/--yes/--dry-run (and their --no- forms) and --no-color apply;
 * --proc-root, --journal and --[no-]boost belong to the whole session.
 */
export function lineOptions(base: GlobalOptions, g: ParsedArgs<ArgsDef>): GlobalOptions {
  requireValues(g);
  for (const flag of ["proc-root", "journal"]) {
    if (g[flag] !== undefined) throw new PidrescueError("USAGE", `--${flag} applies to the whole session: give it when starting pidrescue`);
  }
  if (g.boost === false) throw new PidrescueError("USAGE", "--no-boost applies to the whole session: give it when starting pidrescue");
  return {
    ...base,
    json: typeof g.json === "boolean" ? g.json : base.json,
    yes: typeof g.yes === "boolean" ? g.yes : base.yes,
    dryRun: typeof g["dry-run"] === "boolean" ? g["dry-run"] : base.dryRun,
    color: g.color === false ? false : base.color,
  };
}

/** `--journal` at the end of a line parses as ""; that is a usage error, not "default". */
function requireValues(g: ParsedArgs<ArgsDef>): void {
  for (const flag of ["proc-root", "journal", "rescue"]) {
    if (g[flag] === "") throw new PidrescueError("USAGE", `--${flag} needs a value`);
  }
}
