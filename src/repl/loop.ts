/**
 * `loop N COMMAND...` and `loop until-stable COMMAND...` (REPL and scripts).
 *
 * - loop N runs COMMAND N times. It stops early on ^C (checked between
 *   rounds, and inside COMMAND where it has checkpoints) and on a command
 *   that fails with an error; it returns the highest exit code of its rounds.
 * - loop until-stable repeats COMMAND until a round changed nothing: the
 *   command left ctx.session.lastChanged at 0, or nothing matched (returned
 *   or thrown as NOTHING_MATCHED).
 *   Reaching that is success (0, or a worse code an earlier round returned,
 *   e.g. 3 for EPERM; 1 when nothing matched in the first round). A command that does not report lastChanged cannot be
 *   looped this way (error). At most MAX_STABLE_ROUNDS rounds; still
 *   changing after that is 3 (partial).
 */
import { ExitCode, PidrescueError } from "../errors.ts";
import type { SessionState } from "../cli/context.ts";
import { logger } from "../ui/logger.ts";

export const MAX_STABLE_ROUNDS = 100;
/** An upper bound on N, so a typo (loop 10000000 ps) is not a hang. */
export const MAX_COUNT = 100000;

export type LoopPlan = { count: number; command: string[] } | { untilStable: true; command: string[] };

/** One round: the command's exit code and whether it failed with an (already reported) error. */
export type Round = { code: ExitCode; failed: boolean };

const USAGE = "usage: loop N COMMAND...  |  loop until-stable COMMAND...";

/** Parse the words after `loop` (pure). */
export function parseLoop(words: readonly string[]): LoopPlan {
  const first = words[0];
  const command = words.slice(1);
  if (first === undefined) throw new PidrescueError("USAGE", "loop needs a count or until-stable, then a command", USAGE);
  if (first === "until-stable") {
    if (command.length === 0) throw new PidrescueError("USAGE", "loop until-stable needs a command to repeat", USAGE);
    return { untilStable: true, command };
  }
  if (!/^\d+$/.test(first)) {
    throw new PidrescueError("USAGE", `loop needs a count (a whole number >= 1) or until-stable, not '${first}'`, USAGE);
  }
  const count = Number(first);
  if (count < 1 || count > MAX_COUNT) throw new PidrescueError("USAGE", `loop count must be between 1 and ${MAX_COUNT}`, USAGE);
  if (command.length === 0) throw new PidrescueError("USAGE", `loop ${count} needs a command to repeat`, USAGE);
  return { count, command };
}

/**
 * Run the plan. `once` runs the command one time and never throws (it
 * reports its own errors); `between` is awaited before every round after
 * the first and throws ABORTED on ^C.
 */
export async function runLoop(
  plan: LoopPlan,
  session: SessionState,
  once: () => Promise<Round>,
  between: () => Promise<void>,
): Promise<ExitCode> {
  const name = plan.command[0] ?? "";
  const rounds = "count" in plan ? plan.count : MAX_STABLE_ROUNDS;
  let worst: ExitCode = ExitCode.Ok;
  for (let i = 1; i <= rounds; i++) {
    if (i > 1) {
      try {
        await between();
      } catch (e) {
        if (e instanceof PidrescueError && e.code === "ABORTED") {
          logger.warn(`loop stopped by ^C after ${i - 1} round${i - 1 === 1 ? "" : "s"}`);
          return worse(worst, ExitCode.Aborted);
        }
        throw e;
      }
    }
    if (rounds > 1) logger.info(`loop round ${i}${"count" in plan ? `/${plan.count}` : ""}: ${plan.command.join(" ")}`);
    session.lastChanged = undefined;
    const r = await once();
    // Nothing (left) to match is the stable end of until-stable, even when
    // the command reported it as an error.
    const stable = !("count" in plan) && (r.code === ExitCode.NothingMatched || (!r.failed && session.lastChanged === 0));
    if (stable) {
      logger.info(`loop: stable after ${i} round${i === 1 ? "" : "s"} (${name} changed nothing)`);
      // Nothing matched at all is still "nothing matched" (1), as for the command alone.
      return i === 1 && r.code === ExitCode.NothingMatched ? ExitCode.NothingMatched : worst;
    }
    if (r.failed) return worse(worst, r.code);
    if ("count" in plan) {
      worst = worse(worst, r.code);
      continue;
    }
    if (session.lastChanged === undefined) {
      throw new PidrescueError("USAGE", `${name} does not report what it changed, so loop until-stable cannot tell when to stop`, USAGE);
    }
    worst = worse(worst, r.code);
  }
  if ("count" in plan) return worst;
  logger.warn(`loop: ${name} still changed something after ${MAX_STABLE_ROUNDS} rounds`);
  return worse(worst, ExitCode.Partial);
}

/** The exit-code order used for loops and scripts: the higher number wins. */
export function worse(a: ExitCode, b: ExitCode): ExitCode {
  return a >= b ? a : b;
}
