/**
 * ^C in the REPL and in script mode: cancel the current command, never the
 * session. A process.on("SIGINT") handler sets a flag; long commands poll it.
 *
 * Measured with Bun 1.4.4 in the safe mode (JIT off), compiled binary, run
 * as the only task of a pids cgroup with pids.max=1 (pids.events `max N`
 * counts refused task creations):
 *  - process.on("SIGINT", ...) creates no thread (/proc/self/task stays 1,
 *    pids.events stays `max 0`), neither when installed nor when a signal
 *    arrives.
 *  - Bun installs its C handler with SA_RESTART: a blocking readSync() on a
 *    pipe or a TTY is restarted, never fails with EINTR. On a TTY the line
 *    discipline echoes ^C and throws away the partial line, and the read
 *    goes on waiting for the next line.
 *  - The JS handler runs only when the event loop turns: not during
 *    synchronous code, not between microtasks (`await Promise.resolve()`),
 *    not during Atomics.wait. One `await` of setImmediate is enough (and
 *    costs about 4 us); it creates no thread.
 *  - setTimeout() and Bun.sleep() DO start a thread (strace: clone3 on
 *    first use; under pids.max=1 the cgroup counted `max 1`). Never use them.
 * So: the REPL yields with setImmediate while it waits for input and
 * between commands; long commands call `await checkpoint()` between sweeps
 * or rows (or the synchronous `checkCancel()` right after their own yield).
 * A command that never yields runs to completion and the ^C is reported
 * when it returns. One-shot commands keep the default SIGINT (it kills).
 */
import { PidrescueError } from "../errors.ts";

let installed = false;
let pending = 0;

/** Catch SIGINT for the rest of the process (^\ SIGQUIT keeps its default). Idempotent. */
export function installInterruptHandler(): void {
  if (installed) return;
  installed = true;
  process.on("SIGINT", () => {
    pending++;
  });
}

/** True when the handler is installed (REPL or script mode). */
export function interruptsHandled(): boolean {
  return installed;
}

/** Has ^C arrived since the last clearCancel()? (Only after an event-loop turn.) */
export function cancelRequested(): boolean {
  return pending > 0;
}

/** Throw ABORTED if ^C has arrived; for use right after a yield. */
export function checkCancel(): void {
  if (pending > 0) throw new PidrescueError("ABORTED", "interrupted (^C)");
}

/** Forget an interrupt that has been dealt with. */
export function clearCancel(): void {
  pending = 0;
}

/** Let the event loop run once (delivers SIGINT and SIGWINCH to JS). */
export function yieldToLoop(): Promise<void> {
  return new Promise<void>((resolve) => setImmediate(resolve));
}

/**
 * For long commands, between units of work: yield, then throw ABORTED if
 * ^C arrived. Costs one event-loop turn; in one-shot mode only that.
 */
export async function checkpoint(): Promise<void> {
  await yieldToLoop();
  checkCancel();
}
