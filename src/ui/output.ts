/**
 * All terminal output goes through here, synchronously (fs.writeSync on fd 1
 * and 2): no stream machinery, no helper thread, nothing buffered that a
 * SIGKILL or an execve could lose. Data goes to stdout, messages to stderr
 * (through consola, whose reporter writes here too).
 */
import { writeSync } from "node:fs";
import { errnoCode } from "../errors.ts";
import { sleepMs } from "../system/sleep.ts";

/** How long a non-blocking fd may stay full (EAGAIN) before the write fails. */
const EAGAIN_LIMIT_MS = 10_000;

/**
 * Write all of `text` to `fd`, retrying short writes and EAGAIN on
 * non-blocking TTYs. EAGAIN sleeps (1, 2, 4 .. 50 ms) before retrying: the
 * process may run at SCHED_FIFO, where a busy retry would keep the reader
 * (the terminal, sshd) from running on this CPU.
 */
export function writeAll(fd: number, text: string): void {
  let buf = Buffer.from(text, "utf8");
  let wait = 1;
  let waited = 0;
  while (buf.length > 0) {
    let n: number;
    try {
      n = writeSync(fd, buf);
    } catch (err) {
      const code = errnoCode(err);
      if (code === "EAGAIN" && waited < EAGAIN_LIMIT_MS) {
        sleepMs(wait);
        waited += wait;
        wait = Math.min(wait * 2, 50);
        continue;
      }
      if (code === "EPIPE" || code === "EBADF" || code === "EIO") return; // reader gone: nothing to tell
      throw err;
    }
    buf = buf.subarray(n);
    wait = 1;
  }
}

export function out(text: string): void {
  writeAll(1, text.endsWith("\n") ? text : text + "\n");
}

export function err(text: string): void {
  writeAll(2, text.endsWith("\n") ? text : text + "\n");
}

/** A stream-like object for consola's reporters, backed by writeAll. */
export function syncStream(fd: number): { write(s: string): boolean; columns?: number; isTTY?: boolean } {
  return {
    write(s: string): boolean {
      writeAll(fd, s);
      return true;
    },
  };
}
