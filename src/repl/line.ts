/**
 * One REPL line: split it like a shell, take out the global flags (they
 * apply to this line), then run a builtin (loop, help, exit) or a registry
 * command through dispatch (abbreviations, did-you-mean, strict flags).
 * Any error is one line on stderr (plus a JSON error object with --json);
 * nothing is signalled when a line does not parse.
 */
import { ExitCode, PidrescueError, exitCodeOf } from "../errors.ts";
import type { GlobalOptions, RunContext, SessionState } from "../cli/context.ts";
import { checkFlags, extractFlags } from "../cli/args.ts";
import { GLOBAL_ARGS } from "../cli/registry.ts";
import { lineOptions } from "../cli/globals.ts";
import { mainUsage, requireSpec, resolveWord, runSpec } from "../cli/dispatch.ts";
import { versionLine } from "../version.ts";
import { emitJsonError } from "../ui/json.ts";
import { out } from "../ui/output.ts";
import { logger } from "../ui/logger.ts";
import { tokenize } from "./tokenize.ts";
import { BUILTIN_WORDS, exitBuiltin, helpBuiltin } from "./builtins.ts";
import { parseLoop, runLoop, type Round } from "./loop.ts";
import { checkpoint } from "./cancel.ts";
import { makeConfirm } from "./confirm.ts";

export interface ReplEnv {
  /** The session's options (from the command line). */
  base: GlobalOptions;
  session: SessionState;
  /** A person at a terminal (may be asked questions). */
  interactive: boolean;
}

/** What a line did: nothing (blank/comment), or an exit code, and whether to leave. */
export type LineResult = { code: ExitCode; exit: boolean } | undefined;

export async function runLine(text: string, env: ReplEnv): Promise<LineResult> {
  let words: string[];
  try {
    words = tokenize(text);
  } catch (e) {
    return { code: reportLine(e, env.base, null), exit: false };
  }
  if (words.length === 0) return undefined;
  const r = await runWords(words, env, env.base, false);
  return { code: r.code, exit: r.exit };
}

/** Run already-split words; never throws (errors are reported here). */
async function runWords(words: string[], env: ReplEnv, base: GlobalOptions, inLoop: boolean): Promise<Round & { exit: boolean }> {
  let opts = base;
  let command: string | null = null;
  try {
    const { parsed: g, rest } = extractFlags(words, GLOBAL_ARGS);
    opts = lineOptions(base, g);
    const ctx: RunContext = { opts, session: env.session, interactive: env.interactive, confirm: makeConfirm(opts) };
    if (g.version === true) {
      out(versionLine());
      return { code: ExitCode.Ok, failed: false, exit: false };
    }
    if (typeof g.rescue === "string") {
      command = "rescue";
      env.session.lastChanged = undefined;
      return done(await runSpec(requireSpec("rescue"), [g.rescue, ...rest], ctx));
    }
    const word = rest[0];
    if (word === undefined) {
      if (g.help === true) return done(helpBuiltin([], ctx));
      throw new PidrescueError("USAGE", "flags alone do nothing here: give a command (help lists them)");
    }
    if (word.startsWith("-") && word !== "--") checkFlags([word], GLOBAL_ARGS, mainUsage());
    const hit = resolveWord(word, BUILTIN_WORDS);
    command = "spec" in hit ? hit.spec.name : hit.builtin === "?" ? "help" : hit.builtin === "quit" ? "exit" : hit.builtin;
    const args = rest.slice(1);
    if (g.help === true) return done(helpBuiltin([word], ctx));
    if ("builtin" in hit) {
      if (command === "help") return done(helpBuiltin(args, ctx));
      if (command === "exit") {
        if (inLoop) throw new PidrescueError("USAGE", "exit cannot be repeated by loop");
        if (args.length > 0) throw new PidrescueError("USAGE", "exit takes no arguments");
        return { code: ExitCode.Ok, failed: false, exit: exitBuiltin(ctx) };
      }
      if (inLoop) throw new PidrescueError("USAGE", "loop cannot repeat loop");
      const plan = parseLoop(args);
      const lineOpts = opts;
      const once = (): Promise<Round> => runWords(plan.command, env, lineOpts, true);
      return done(await runLoop(plan, env.session, once, checkpoint));
    }
    if (inLoop && hit.spec.name === "shell") throw new PidrescueError("USAGE", "shell cannot be repeated by loop");
    env.session.lastChanged = undefined;
    return done(await runSpec(hit.spec, args, ctx));
  } catch (e) {
    return { code: reportLine(e, opts, command), failed: true, exit: false };
  }
}

function done(code: ExitCode): Round & { exit: boolean } {
  return { code, failed: false, exit: false };
}

/** One line on stderr for any error (and the JSON error object with --json). */
export function reportLine(e: unknown, opts: GlobalOptions, command: string | null): ExitCode {
  if (opts.json) emitJsonError(command, e);
  if (e instanceof PidrescueError) {
    const pointer = command !== null && (e.code === "USAGE" || e.code === "UNKNOWN_FLAG") ? ` (help ${command})` : "";
    logger.error(`${e.message}${pointer}`);
  } else {
    logger.error(`internal error: ${e instanceof Error ? e.message : String(e)}`);
    if (process.env.PIDRESCUE_DEBUG && e instanceof Error && e.stack) logger.debug(e.stack);
  }
  return exitCodeOf(e);
}
