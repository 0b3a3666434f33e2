/**
 * The REPL (stdin is a TTY, no command given) and script mode (stdin is
 * not a TTY: `pidrescue < script.txt`). Both read lines with input.ts and
 * run them with line.ts; ^C handling is described in cancel.ts.
 *
 * Interactive: banner and prompt on stderr; ^C at the prompt gives a fresh
 * prompt, ^C during a command cancels it at its next checkpoint; exit,
 * quit or ^D leave (asking first while processes are still stopped; a
 * second ^D in a row, or a hung-up terminal, leaves anyway). Exit code 0.
 *
 * Script: no banner, no prompt; each command is echoed to stderr as
 * `> COMMAND` so logs read well; errors do not stop the script. The exit
 * code is the HIGHEST exit code any line returned (0 when every line
 * succeeded), so 5 (environment) > 4 (aborted) > 3 (partial) > 2 (usage)
 * > 1 (nothing matched). ^C stops the script (at least 4); `exit` ends
 * it early; EOF ends it.
 *
 * Both start at SCHED_FIFO where allowed (main.ts). The interactive REPL
 * drops to SCHED_OTHER while it waits for a person and goes back for a
 * signalling line (priority.ts): each is an exec of pidrescue itself that
 * carries the session; the resumed REPL prints no banner (and after a drop
 * no new prompt: the old one is still on the screen). Script mode keeps its
 * priority to the end: it reads a script, and sleeps while a pipe is empty.
 */
import { ExitCode } from "../errors.ts";
import type { RunContext } from "../cli/context.ts";
import { err, writeAll } from "../ui/output.ts";
import { logger } from "../ui/logger.ts";
import { bannerLine, promptText } from "./banner.ts";
import { cancelRequested, clearCancel, installInterruptHandler, yieldToLoop } from "./cancel.ts";
import { stdinInput } from "./input.ts";
import { runLine, type ReplEnv } from "./line.ts";
import { exitBuiltin } from "./builtins.ts";
import { makeConfirm } from "./confirm.ts";
import { MAX_LINE } from "./lines.ts";
import { worse } from "./loop.ts";
import { boostForLine, dropWhenIdle, idleDropMs, resumeSession } from "./priority.ts";

export async function interactive(ctx: RunContext): Promise<ExitCode> {
  installInterruptHandler();
  const env: ReplEnv = { base: ctx.opts, session: ctx.session, interactive: true };
  const leaveCtx: RunContext = { ...ctx, interactive: true, confirm: makeConfirm(ctx.opts) };
  const input = stdinInput();
  input.onIdle = { ms: idleDropMs(process.env), fn: () => dropWhenIdle(ctx) };
  const resumed = resumeSession(ctx);
  if (resumed === undefined) err(bannerLine(ctx.opts.procRoot));
  let pending = resumed?.pending;
  let prompt = resumed?.why !== "idle";
  let eofs = 0;
  for (;;) {
    if (prompt && pending === undefined) writeAll(2, promptText(ctx.session));
    prompt = true;
    const r: Awaited<ReturnType<typeof input.readLine>> = pending !== undefined ? { kind: "line", text: pending } : await input.readLine();
    pending = undefined;
    if (r.kind === "interrupt") {
      clearCancel();
      writeAll(2, "\n");
      continue;
    }
    if (r.kind === "eof") {
      writeAll(2, "\n");
      eofs++;
      if (r.hangup || eofs >= 2 || exitBuiltin(leaveCtx)) return ExitCode.Ok;
      continue;
    }
    eofs = 0;
    if (r.kind === "too-long") {
      logger.error(`line longer than ${MAX_LINE} bytes ignored`);
      continue;
    }
    // A ^C typed before this line was finished belongs to the prompt.
    await yieldToLoop();
    clearCancel();
    boostForLine(ctx, r.text);
    const res = await runLine(r.text, env);
    await yieldToLoop();
    if (cancelRequested()) {
      if (res?.code !== ExitCode.Aborted) logger.warn("^C came while the command ran; it had no checkpoint and ran to the end");
      clearCancel();
    }
    if (res?.exit === true) return ExitCode.Ok;
  }
}

export async function script(ctx: RunContext): Promise<ExitCode> {
  installInterruptHandler();
  const env: ReplEnv = { base: ctx.opts, session: ctx.session, interactive: false };
  const input = stdinInput();
  let worst: ExitCode = ExitCode.Ok;
  let lineNo = 0;
  for (;;) {
    const r = await input.readLine();
    if (r.kind === "interrupt") {
      worst = worse(worst, stopped());
      break;
    }
    if (r.kind === "eof") break;
    lineNo++;
    if (r.kind === "too-long") {
      logger.error(`line ${lineNo}: longer than ${MAX_LINE} bytes, skipped`);
      worst = worse(worst, ExitCode.Usage);
      continue;
    }
    const text = r.text.trim();
    if (text === "" || text.startsWith("#")) continue;
    err(`> ${text}`);
    const res = await runLine(text, env);
    if (res !== undefined) worst = worse(worst, res.code);
    await yieldToLoop();
    if (cancelRequested()) {
      worst = worse(worst, stopped());
      break;
    }
    if (res?.exit === true) break;
  }
  const n = ctx.session.frozen.size;
  if (n > 0) logger.warn(`script ended with ${n} process${n === 1 ? "" : "es"} still stopped`);
  return worst;
}

function stopped(): ExitCode {
  logger.warn("interrupted (^C): the rest of the script is skipped");
  return ExitCode.Aborted;
}
