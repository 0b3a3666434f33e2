/** Host-side /proc readers for the sandbox (they look into the namespace from outside). */
import { readdirSync, readFileSync, readlinkSync } from "node:fs";
import { isGone } from "./cgroup.ts";

/** The NSpid line of a task seen from the host's /proc: outermost first, [] if gone. */
export function nsPidsOf(pid: number): number[] {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/status`, "utf8");
  } catch (e) {
    if (isGone(e)) return [];
    throw e;
  }
  const m = /^NSpid:\s*(.*)$/m.exec(text);
  return m?.[1] === undefined ? [] : m[1].trim().split(/\s+/).map(Number);
}

/** Target of /proc/<pid>/exe, undefined once the process is gone. */
export function exeOf(pid: number): string | undefined {
  try {
    return readlinkSync(`/proc/${pid}/exe`);
  } catch (e) {
    if (isGone(e)) return undefined;
    throw e;
  }
}

/** Number of threads (/proc/<pid>/task entries), undefined once the process is gone. */
export function threadCount(pid: number): number | undefined {
  try {
    return readdirSync(`/proc/${pid}/task`).length;
  } catch (e) {
    if (isGone(e)) return undefined;
    throw e;
  }
}

/** True when the process no longer exists or is a zombie. */
export function isDeadOrZombie(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const close = stat.lastIndexOf(")");
    return stat.slice(close + 2, close + 3) === "Z";
  } catch (e) {
    if (isGone(e)) return true;
    throw e;
  }
}
