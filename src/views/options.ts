/** Numeric flags of the views (--limit, --depth): whole numbers, checked before any scan. */
import { PidrescueError } from "../errors.ts";

/** undefined when the flag is absent; a usage error unless a whole number in [min, max]. */
export function wholeFlag(v: unknown, flag: string, min = 0, max = 100_000_000): number | undefined {
  if (v === undefined || v === false) return undefined;
  const n = typeof v === "string" && /^\d+$/.test(v.trim()) ? Number(v) : Number.NaN;
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new PidrescueError("USAGE", `--${flag} wants a whole number from ${min} to ${max}, not '${String(v)}'`);
  }
  return n;
}
