/**
 * Thin synchronous readers for procfs files (no thread, no stream): what the
 * scanner and the lazy field readers use to touch the file system. A process
 * that vanished (ENOENT, ESRCH) or that we may not look at (EACCES, EPERM)
 * is an expected outcome, returned as GONE or DENIED; anything else is an
 * I/O error worth stopping for.
 */
import { closeSync, constants, openSync, readSync, readlinkSync } from "node:fs";
import { PidrescueError, errnoCode } from "../errors.ts";

export const GONE = -1;
export const DENIED = -2;

/** O_RDONLY | O_CLOEXEC (Bun opens with O_CLOEXEC anyway; its fs.constants lacks the name). */
export const O_READ = constants.O_RDONLY | 0o2000000;

/** GONE or DENIED for the expected errnos; throws PidrescueError("IO") for the rest. */
export function expectedFailure(e: unknown, path: string): number {
  const code = errnoCode(e);
  if (code === "ENOENT" || code === "ESRCH" || code === "ENOTDIR") return GONE;
  if (code === "EACCES" || code === "EPERM") return DENIED;
  throw new PidrescueError("IO", `cannot read ${path} (${code ?? String(e)})`);
}

/**
 * Read a whole (small) file into buf from offset 0, up to buf.length - 1
 * bytes (one byte is left for a parser sentinel). Returns the byte count,
 * GONE or DENIED.
 */
export function readInto(path: string, buf: Buffer): number {
  let fd: number;
  try {
    fd = openSync(path, O_READ);
  } catch (e) {
    return expectedFailure(e, path);
  }
  try {
    let n = 0;
    const max = buf.length - 1;
    while (n < max) {
      const r = readSync(fd, buf, n, max - n, -1);
      if (r <= 0) break;
      n += r;
    }
    return n;
  } catch (e) {
    return expectedFailure(e, path);
  } finally {
    closeSync(fd);
  }
}

let shared: Buffer | undefined;

/** A file as latin1-safe UTF-8 text (at most `limit` bytes), or undefined when gone or denied. */
export function readText(path: string, limit = 65536): string | undefined {
  if (shared === undefined || shared.length < limit + 1) shared = Buffer.alloc(limit + 1);
  const n = readInto(path, shared);
  return n < 0 ? undefined : shared.toString("utf8", 0, Math.min(n, limit));
}

/** A file's raw bytes (copied), or undefined when gone or denied. */
export function readBytes(path: string, limit = 65536): Uint8Array | undefined {
  if (shared === undefined || shared.length < limit + 1) shared = Buffer.alloc(limit + 1);
  const n = readInto(path, shared);
  return n < 0 ? undefined : new Uint8Array(shared.subarray(0, Math.min(n, limit)));
}

/** Target of a symlink (e.g. /proc/<pid>/exe), or undefined when gone or denied. */
export function readLink(path: string): string | undefined {
  try {
    return readlinkSync(path);
  } catch (e) {
    expectedFailure(e, path);
    return undefined;
  }
}
