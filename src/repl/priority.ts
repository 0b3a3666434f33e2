/**
 * Real-time priority in the interactive REPL: SCHED_FIFO while it works on
 * a rescue, SCHED_OTHER while it waits for a person. (Script mode keeps the
 * priority it started with: it reads a script, not a person.)
 *
 * The REPL starts at SCHED_FIFO like every rescue path (main.ts), so its
 * first screen comes fast on a saturated machine. Then:
 *   - after IDLE_DROP_MS (10 s) waiting for input at a real-time policy, it
 *     re-execs itself through `chrt -o 0` (SCHED_OTHER; nice stays -20);
 *   - when a signalling line (rescue, freeze, kill, thaw, --rescue, also
 *     under `loop`) is entered at SCHED_OTHER, it re-execs itself through
 *     `chrt -f 10` and runs that line first.
 * The session (what is frozen, history) rides along in one environment
 * variable (resume.ts); the PID, the terminal, the journal file stay. Why
 * an exec: without the JIT no sched_setscheduler is reachable (bun:ffi
 * needs the JIT), and a thread or process for it is out of the question.
 * A hop costs one start of the runtime, about 5 ms of CPU, paid at FIFO
 * when boosting. Nothing inherits the policy by accident: the REPL forks
 * nothing, and `shell` resets it on the way out (execshell.ts).
 * Not dropped: a y/N confirmation (answered within its command, sleeping
 * between polls), a blocking read (stdin that cannot be re-opened
 * non-blocking), a partly read line, a session too big to carry, or
 * --no-boost (the admin keeps whatever priority they gave). A ^C that
 * lands during the exec itself (a few ms) ends pidrescue, as during start-up.
 */
import { BOOST_VAR } from "../system/safe-env.ts";
import { FIFO_PRIORITY, boostDecision, envCopy, findChrt, reexecThrough } from "../system/boost.ts";
import { isBoostedCommandLine } from "../system/boost-argv.ts";
import { ownSched } from "../system/selfinfo.ts";
import type { RunContext } from "../cli/context.ts";
import { logger } from "../ui/logger.ts";
import { RESUME_VAR, type ResumeState, decodeResume, encodeResume, restoreSession } from "./resume.ts";
import { tokenize } from "./tokenize.ts";

export const IDLE_DROP_MS = 10_000;

/** How long to wait at a real-time policy before dropping (PIDRESCUE_TEST_IDLE_MS for tests). */
export function idleDropMs(env: Record<string, string | undefined>): number {
  const t = Number(env.PIDRESCUE_TEST_IDLE_MS);
  return Number.isInteger(t) && t > 0 ? t : IDLE_DROP_MS;
}

/** At REPL start: take a carried session out of the environment and restore it. */
export function resumeSession(ctx: RunContext): ResumeState | undefined {
  const text = process.env[RESUME_VAR];
  if (text === undefined) return undefined;
  delete process.env[RESUME_VAR];
  const s = decodeResume(text);
  if (s === undefined) {
    logger.warn("priority: the carried session could not be read; it starts empty");
    return undefined;
  }
  restoreSession(ctx.session, s);
  return s;
}

/** The input loop's idle hook: back to SCHED_OTHER (does not return then). Quiet when it cannot. */
export function dropWhenIdle(ctx: RunContext): void {
  if (!ctx.opts.boost || !isRealtime()) return;
  const chrt = process.env.PIDRESCUE_TEST_NO_CHRT === "1" ? undefined : findChrt();
  const state = encodeResume(ctx.session, "idle");
  if (chrt === undefined || state === undefined) return;
  const env = envCopy(process.env);
  env[BOOST_VAR] = "idle";
  env[RESUME_VAR] = state;
  reexecThrough(chrt, ["-o", "0"], env);
}

/** Before a line runs: a signalling line at SCHED_OTHER goes back to SCHED_FIFO first (does not return then). */
export function boostForLine(ctx: RunContext, line: string): void {
  if (!ctx.opts.boost || !isSignallingLine(line) || isRealtime()) return;
  const d = boostDecision(process.env);
  if (!d.boost) return; // main.ts said why at start, once
  const state = encodeResume(ctx.session, "boost", line);
  if (state === undefined) return warnOnce("the session is too big to carry across an exec; this command runs at normal priority");
  const env = envCopy(process.env);
  env[BOOST_VAR] = `fifo:${FIFO_PRIORITY}`;
  env[RESUME_VAR] = state;
  warnOnce(`no SCHED_FIFO (${reexecThrough(d.chrt, ["-f", String(FIFO_PRIORITY)], env)}); running at normal priority`);
}

/** Pure: does this REPL line signal (so it should run at SCHED_FIFO)? */
export function isSignallingLine(line: string): boolean {
  let words: string[];
  try {
    words = tokenize(line);
  } catch {
    return false; // runLine reports the syntax error; nothing is sent
  }
  if (words[0] === "loop") words = words.slice(2);
  return words.length > 0 && isBoostedCommandLine(words);
}

let warned = false;

function warnOnce(text: string): void {
  if (warned) return;
  warned = true;
  logger.info(`priority: ${text}`);
}

function isRealtime(): boolean {
  const p = ownSched()?.policy;
  return p === 1 || p === 2;
}
