/**
 * Stage 2 of the boot: the application, entered only in the safe runtime
 * mode (see boot.ts). Dispatches one-shot commands, the REPL, or script
 * mode, and maps every outcome to an exit code (errors.ts).
 * Global flags may stand anywhere on the line (before "--"):
 * `pidrescue --json ps x` = `pidrescue ps x --json`.
 */
import type { ArgsDef, ParsedArgs } from "citty";
import { ExitCode, PidrescueError } from "./errors.ts";
import { extractFlags, checkFlags } from "./cli/args.ts";
import { GLOBAL_ARGS, findCommand } from "./cli/registry.ts";
import { lookup, mainUsage, report, requireSpec, runSpec } from "./cli/dispatch.ts";
import { newSession, type GlobalOptions, type RunContext } from "./cli/context.ts";
import { globalOptions } from "./cli/globals.ts";
import { checkProcRoot } from "./proc/root.ts";
import { versionLine } from "./version.ts";
import { out } from "./ui/output.ts";
import { logger, setColor } from "./ui/logger.ts";
import { boostOrExplain } from "./system/boost.ts";
import { ownSched } from "./system/selfinfo.ts";
import { isTty } from "./ui/term.ts";

/*
 * Loaded when needed, not here: help texts (./cli/help.ts), JSON errors
 * (./ui/json.ts), the confirmation prompt (./repl/confirm.ts, which brings
 * the line reader) and the REPL. Every module loaded before the first signal
 * costs start-up CPU, which a saturated machine multiplies.
 */
const help = (): typeof import("./cli/help.ts") => require("./cli/help.ts") as typeof import("./cli/help.ts");

export async function main(argv: string[]): Promise<ExitCode> {
  const { parsed: g, rest } = extractFlags(argv, GLOBAL_ARGS);
  setColor(g.color !== false);
  let command: string | null = typeof g.rescue === "string" ? "rescue" : null;
  try {
    return await dispatch(rest, g, (name) => {
      command = name;
    });
  } catch (e) {
    if (g.json === true) (require("./ui/json.ts") as typeof import("./ui/json.ts")).emitJsonError(command, e);
    throw e;
  }
}

/** `named` learns the command's canonical name as soon as it is known (for JSON errors). */
async function dispatch(rest: string[], g: ParsedArgs<ArgsDef>, named: (command: string) => void): Promise<ExitCode> {
  if (g.version === true) {
    out(versionLine());
    return ExitCode.Ok;
  }
  const opts = globalOptions(g);
  const confirm = (q: string): boolean => (require("./repl/confirm.ts") as typeof import("./repl/confirm.ts")).makeConfirm(opts)(q);
  const ctx: RunContext = { opts, session: newSession(), interactive: false, confirm };

  const rescue: unknown = g.rescue;
  if (typeof rescue === "string") {
    if (rescue.trim() === "") throw new PidrescueError("USAGE", "--rescue needs a selector", help().usageLine(findCommand("rescue")));
    checkProcRoot(opts.procRoot);
    boost(opts);
    return runSpec(requireSpec("rescue"), [rescue, ...rest], ctx);
  }
  const word = rest[0];
  if (word === undefined) {
    if (g.help === true) {
      out(help().mainHelp());
      return ExitCode.Ok;
    }
    checkProcRoot(opts.procRoot);
    boost(opts);
    const repl = require("./repl/repl.ts") as typeof import("./repl/repl.ts");
    return isTty(0) ? repl.interactive(ctx) : repl.script(ctx);
  }
  if (word.startsWith("-") && word !== "--") checkFlags([word], GLOBAL_ARGS, mainUsage());
  if (word === "help") {
    out(rest[1] === undefined ? help().mainHelp() : help().commandHelp(lookup(rest[1])));
    return ExitCode.Ok;
  }
  const spec = lookup(word);
  named(spec.name);
  if (g.help === true) {
    out(help().commandHelp(spec));
    return ExitCode.Ok;
  }
  if (!spec.oneShot) {
    throw new PidrescueError("USAGE", `${spec.name} works only inside the REPL (run pidrescue with no command)`, mainUsage());
  }
  checkProcRoot(opts.procRoot);
  if (RESCUE_COMMANDS.has(spec.name)) boost(opts);
  return runSpec(spec, rest.slice(1), ctx);
}

/** Commands that signal: they get real-time priority when it is safe (issue: start fast on a saturated CPU). */
const RESCUE_COMMANDS = new Set(["rescue", "freeze", "kill", "thaw"]);

/**
 * Re-exec through chrt -f 10 when safe (does not return then); else say why,
 * once. For the usual spellings boot.ts already decided before loading the
 * application (system/boost-argv.ts); this catches the rest (abbreviations)
 * and is where the reason is printed.
 */
function boost(opts: GlobalOptions): void {
  if (!opts.boost || opts.dryRun) return;
  const why = boostOrExplain(process.env);
  if (why !== undefined && why !== "already real-time") {
    const s = ownSched();
    logger.info(`priority: no SCHED_FIFO (${why}); running at nice ${s?.nice ?? "?"}`);
  }
}

/** Called by boot.ts once the runtime is in the safe mode. */
export function start(): void {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e: unknown) => process.exit(report(e)),
  );
}
