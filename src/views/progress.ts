/**
 * Progress of a long scan on stderr: only on a TTY, only once the work has
 * taken more than a second (a quick scan prints nothing), one line
 * rewritten in place and cleared at the end. No timer: it is driven by the
 * scanner's onProgress calls.
 */
import { writeAll } from "../ui/output.ts";
import { isTty } from "../ui/term.ts";
import { num } from "./format.ts";

export const PROGRESS_AFTER_MS = 1000;

export interface Progress {
  /** Give to scanProcs({ onProgress }) or similar loops. */
  onProgress: ((done: number, total: number) => void) | undefined;
  /** Clear the line if anything was printed. */
  done(): void;
}

/** A progress line "LABEL 12,288 of 30,000" for fd 2 (nothing at all when fd 2 is not a terminal). */
export function progress(label: string, o: { fd?: number; tty?: boolean; now?: () => number; afterMs?: number } = {}): Progress {
  const fd = o.fd ?? 2;
  const now = o.now ?? Date.now;
  const t0 = now();
  const after = o.afterMs ?? PROGRESS_AFTER_MS;
  let printed = false;
  if (!(o.tty ?? isTty(fd))) return { onProgress: undefined, done: () => {} };
  return {
    onProgress(done, total) {
      if (now() - t0 < after) return;
      printed = true;
      writeAll(fd, `\r${label} ${num(done)} of ${num(total)}\u001b[K`);
    },
    done() {
      if (printed) writeAll(fd, "\r\u001b[K");
      printed = false;
    },
  };
}
