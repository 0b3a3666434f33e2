/** The REPL's own commands besides `loop`: help and exit/quit. */
import { ExitCode } from "../errors.ts";
import type { RunContext } from "../cli/context.ts";
import { commandHelp, mainHelp, replCommandHelp } from "../cli/help.ts";
import { resolveWord } from "../cli/dispatch.ts";
import { leaveStoppedOk } from "../cli/frozen-guard.ts";
import { emitJson } from "../ui/json.ts";
import { out } from "../ui/output.ts";

/** Words the REPL handles itself; they take part in abbreviations and "did you mean". */
export const BUILTIN_WORDS = ["loop", "help", "?", "exit", "quit"] as const;

/** `help [COMMAND]`: the one-screen overview, or one command's details. */
export function helpBuiltin(words: readonly string[], ctx: RunContext): ExitCode {
  const topic = words[0];
  let text: string;
  if (topic === undefined) {
    text = mainHelp();
  } else {
    const hit = resolveWord(topic, BUILTIN_WORDS);
    text = "spec" in hit ? commandHelp(hit.spec) : (replCommandHelp(hit.builtin) ?? mainHelp());
  }
  if (ctx.opts.json) emitJson("help", { topic: topic ?? null, text });
  else out(text);
  return ExitCode.Ok;
}

/** `exit`/`quit`/EOF: true when the session may end now. */
export function exitBuiltin(ctx: RunContext): boolean {
  return leaveStoppedOk(ctx, "exit");
}
