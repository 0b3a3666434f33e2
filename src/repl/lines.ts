/**
 * Bytes in, lines out: the pure half of the line reader (input.ts does the
 * reads). Handles lines split across reads, several lines in one read, CRLF,
 * a last line without a newline, and lines too long to keep: those are
 * dropped up to their newline and reported once, never run in pieces.
 * Lines are decoded as UTF-8 only when complete, so a character split
 * between two reads is decoded whole.
 */

/** Longest line kept, in bytes; a TTY in canonical mode stops at 4095 anyway. */
export const MAX_LINE = 64 * 1024;

export type SplitResult = { kind: "line"; text: string } | { kind: "too-long"; bytes: number };

export class LineSplitter {
  private buf: Buffer;
  private len = 0;
  /** Bytes dropped from a line that is over the limit (> 0 while dropping). */
  private dropped = 0;
  private readonly maxLine: number;

  constructor(maxLine = MAX_LINE) {
    this.maxLine = maxLine;
    this.buf = Buffer.allocUnsafe(Math.min(maxLine + 1, 4096));
  }

  /** Feed bytes; returns the lines (and over-long markers) they complete, in order. */
  push(chunk: Uint8Array): SplitResult[] {
    const out: SplitResult[] = [];
    let start = 0;
    while (start < chunk.length) {
      const nl = chunk.indexOf(10, start);
      const end = nl < 0 ? chunk.length : nl;
      this.append(chunk.subarray(start, end));
      if (nl < 0) break;
      out.push(this.take());
      start = nl + 1;
    }
    return out;
  }

  /** At EOF: the unterminated last line, if any. */
  end(): SplitResult | undefined {
    if (this.len === 0 && this.dropped === 0) return undefined;
    return this.take();
  }

  /** Forget a partial line (after ^C). */
  clear(): void {
    this.len = 0;
    this.dropped = 0;
  }

  /** True when part of a line has been read but not its end. */
  get partial(): boolean {
    return this.len > 0 || this.dropped > 0;
  }

  private append(part: Uint8Array): void {
    if (part.length === 0) return;
    if (this.dropped > 0 || this.len + part.length > this.maxLine) {
      this.dropped += this.len + part.length;
      this.len = 0;
      return;
    }
    if (this.len + part.length > this.buf.length) {
      const bigger = Buffer.allocUnsafe(Math.min(this.maxLine, Math.max(this.buf.length * 2, this.len + part.length)));
      this.buf.copy(bigger, 0, 0, this.len);
      this.buf = bigger;
    }
    this.buf.set(part, this.len);
    this.len += part.length;
  }

  private take(): SplitResult {
    if (this.dropped > 0) {
      const bytes = this.dropped;
      this.clear();
      return { kind: "too-long", bytes };
    }
    let end = this.len;
    if (end > 0 && this.buf[end - 1] === 13) end--; // CRLF
    const text = this.buf.toString("utf8", 0, end);
    this.len = 0;
    return { kind: "line", text };
  }
}
