/**
 * Process age: starttime (field 22 of stat) counts clock ticks after boot;
 * the boot moment is the btime line of <procRoot>/stat. USER_HZ is 100 on
 * every Linux architecture that matters (sysconf(_SC_CLK_TCK); there is no
 * way to ask without a libc call, and the kernel ABI fixes it at 100).
 */
import { readText } from "./reader.ts";

export const CLK_TCK = 100;

const bootTimes = new Map<string, number | undefined>();

/** Boot time in seconds since the epoch, from the btime line (read once per root); undefined if absent. */
export function readBootTime(procRoot: string): number | undefined {
  if (bootTimes.has(procRoot)) return bootTimes.get(procRoot);
  const text = readText(`${procRoot}/stat`, 1 << 20);
  const t = text === undefined ? undefined : parseBtime(text);
  bootTimes.set(procRoot, t);
  return t;
}

/** The btime value of /proc/stat text. */
export function parseBtime(text: string): number | undefined {
  const i = text.indexOf("\nbtime ");
  const at = i >= 0 ? i + 7 : text.startsWith("btime ") ? 6 : -1;
  if (at < 0) return undefined;
  const end = text.indexOf("\n", at);
  const n = Number(text.slice(at, end < 0 ? undefined : end).trim());
  return Number.isInteger(n) && n > 0 ? n : undefined;
}

/** Age in seconds of a process started `starttime` ticks after boot, at `nowMs` (epoch ms). */
export function ageSeconds(starttime: number, bootTime: number, nowMs: number): number {
  return nowMs / 1000 - (bootTime + starttime / CLK_TCK);
}
