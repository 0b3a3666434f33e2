/**
 * ctx.confirm(question): the yes/no question before signals are sent.
 * --yes answers yes (and says so). On a TTY, one line is read from fd 0:
 * "y" or "yes" (any case) is yes, anything else, EOF included, is no.
 * Anywhere else nobody can answer, so the answer is no.
 * The read does not yield to the event loop (the signature is synchronous),
 * so a ^C typed at the question only clears the typed text, as the terminal
 * does; it is seen at the command's next checkpoint, which then stops it.
 */
import type { GlobalOptions } from "../cli/context.ts";
import { isTty } from "../ui/term.ts";
import { err, writeAll } from "../ui/output.ts";
import { logger } from "../ui/logger.ts";
import { stdinInput } from "./input.ts";

export function makeConfirm(opts: GlobalOptions): (question: string) => boolean {
  return (question: string): boolean => {
    if (opts.yes) {
      err(`${question} yes (--yes)`);
      return true;
    }
    if (!isTty(0)) {
      logger.warn(`${question} no: stdin is not a terminal, nobody can answer (use --yes)`);
      return false;
    }
    writeAll(2, `${question} [y/N] `);
    const r = stdinInput().readLineSync();
    if (r.kind !== "line") {
      err("");
      return false;
    }
    return isYes(r.text);
  };
}

export function isYes(answer: string): boolean {
  return /^\s*y(es)?\s*$/i.test(answer);
}
