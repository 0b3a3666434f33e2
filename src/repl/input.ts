/**
 * The thin reader under the REPL: fd 0 read with fs.readSync into one
 * reused Buffer. No readline, no process.stdin stream (both start threads).
 *
 * A TTY or a pipe is re-opened through /proc/self/fd/0 with O_NONBLOCK: a
 * new open file description of the same terminal or pipe, so fd 0 itself
 * (which the shell we may exec inherits) keeps its flags. While no line is
 * there, we sleep a little (Atomics.wait: no thread) and let the event loop
 * turn once (setImmediate), so a ^C at the prompt is seen within ~50 ms and
 * gives a fresh prompt. Where the re-open fails (no /proc), and for a
 * socket (which /proc cannot re-open; Node's spawn() gives its children
 * socketpairs), fd 0 is read directly and blocks: a ^C is then seen when the
 * next line or EOF arrives. EAGAIN on fd 0 is polled the same way.
 * A TTY in canonical mode hands over one whole line per read, with the line
 * discipline's editing (backspace, ^U, ^W) already applied; we never touch
 * the terminal modes. Pipes and files are read one byte per call in script
 * mode, as a shell does, so whatever follows `shell` in a script is left
 * unread for the shell (0.7-0.9 us a byte, measured).
 */
import { constants, fstatSync, openSync, readSync } from "node:fs";
import { PidrescueError, errnoCode } from "../errors.ts";
import { sleepMs } from "../system/sleep.ts";
import { LineSplitter, type SplitResult } from "./lines.ts";
import { cancelRequested, yieldToLoop } from "./cancel.ts";

export type ReadResult = SplitResult | { kind: "eof"; hangup: boolean } | { kind: "interrupt" };

const MAX_POLL_MS = 50;

export class LineInput {
  private readonly fd: number;
  private readonly buf: Buffer;
  private readonly chunk: number;
  private readonly split = new LineSplitter();
  private readonly queue: SplitResult[] = [];
  /** How fd was obtained, for `doctor`-style diagnostics and tests. */
  readonly how: string;
  /**
   * Called once per readLine() after `ms` without a byte and with no partial
   * line read (the REPL drops its real-time priority there: priority.ts).
   */
  onIdle: { ms: number; fn: () => void } | undefined;

  constructor(fd: number, chunk: number, how: string) {
    this.fd = fd;
    this.chunk = chunk;
    this.buf = Buffer.allocUnsafe(Math.max(chunk, 1));
    this.how = how;
    this.onIdle = undefined;
  }

  /**
   * Next line. Between polls the event loop turns, so `interrupt` comes
   * back when ^C arrives while the user has not finished a line (the
   * partial line is dropped, as the terminal already did).
   */
  async readLine(): Promise<ReadResult> {
    let wait = 1;
    let idleSince = Date.now();
    let idleCalled = false;
    for (;;) {
      const ready = this.queue.shift();
      if (ready !== undefined) return ready;
      const n = this.readOnce();
      if (n > 0) {
        this.queue.push(...this.split.push(this.buf.subarray(0, n)));
        wait = 1;
        idleSince = Date.now();
        continue;
      }
      if (n === 0 || n === HANGUP) return this.atEof(n === HANGUP);
      if (n === RETRY) continue;
      const idle = this.onIdle;
      if (idle !== undefined && !idleCalled && !this.split.partial && Date.now() - idleSince >= idle.ms) {
        idleCalled = true;
        idle.fn();
      }
      sleepMs(wait);
      wait = Math.min(wait * 2, MAX_POLL_MS);
      await yieldToLoop();
      if (cancelRequested()) {
        this.split.clear();
        return { kind: "interrupt" };
      }
    }
  }

  /** Next line without yielding to the event loop (for a yes/no question). */
  readLineSync(): ReadResult {
    let wait = 1;
    for (;;) {
      const ready = this.queue.shift();
      if (ready !== undefined) return ready;
      const n = this.readOnce();
      if (n > 0) {
        this.queue.push(...this.split.push(this.buf.subarray(0, n)));
        continue;
      }
      if (n === 0 || n === HANGUP) return this.atEof(n === HANGUP);
      if (n === RETRY) continue;
      sleepMs(wait);
      wait = Math.min(wait * 2, MAX_POLL_MS);
    }
  }

  private atEof(hangup: boolean): ReadResult {
    const last = this.split.end();
    return last ?? { kind: "eof", hangup };
  }

  /** Bytes read, 0 at EOF, or one of the negative markers. */
  private readOnce(): number {
    try {
      return readSync(this.fd, this.buf, 0, this.chunk, null);
    } catch (e) {
      const code = errnoCode(e);
      if (code === "EAGAIN" || code === "EWOULDBLOCK") return AGAIN;
      if (code === "EINTR") return RETRY;
      // EIO/ENXIO: the terminal hung up; EBADF: stdin was closed. All mean "no more input".
      if (code === "EIO" || code === "ENXIO" || code === "EBADF") return HANGUP;
      throw new PidrescueError("IO", `cannot read stdin: ${code ?? String(e)}`);
    }
  }
}

/** Linux O_CLOEXEC; Bun's fs.constants lacks it. */
const O_CLOEXEC = 0o2000000;
const AGAIN = -1;
const RETRY = -2;
const HANGUP = -3;

let stdinReader: LineInput | undefined;

/** The shared reader of fd 0 (opened on first use, never at module load). */
export function stdinInput(): LineInput {
  stdinReader ??= openInput(0);
  return stdinReader;
}

/** Pick how to read `fd`: see the file comment. */
export function openInput(fd: number): LineInput {
  let kind = "other";
  try {
    const st = fstatSync(fd);
    kind = st.isCharacterDevice() ? "tty" : st.isFIFO() ? "pipe" : st.isFile() ? "file" : st.isSocket() ? "socket" : "other";
  } catch (e) {
    if (errnoCode(e) !== "EBADF") throw e;
    kind = "closed"; // reads will report EOF/EBADF; nothing else to decide
  }
  const chunk = kind === "tty" ? 4096 : 1;
  if (kind === "tty" || kind === "pipe") {
    try {
      // Close-on-exec: neither the shell handed over nor a re-exec of pidrescue inherits it.
      const nb = openSync(`/proc/self/fd/${fd}`, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY | O_CLOEXEC);
      return new LineInput(nb, chunk, `${kind}, re-opened non-blocking`);
    } catch (e) {
      // No /proc, or a descriptor that cannot be re-opened: read fd itself,
      // blocking. Everything still works; ^C at the prompt just waits for Enter.
      return new LineInput(fd, chunk, `${kind}, blocking (re-open failed: ${errnoCode(e) ?? "?"})`);
    }
  }
  return new LineInput(fd, chunk, `${kind}, direct`);
}
