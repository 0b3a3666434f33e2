/**
 * The start-up banner and the prompt. The banner is cheap: one readdir of
 * /proc (about 1 us a process) and two tiny files, no per-process reads.
 */
import { readdirSync } from "node:fs";
import { errnoCode } from "../errors.ts";
import type { SessionState } from "../cli/context.ts";
import { ownThreadCount, readNumber } from "../system/selfinfo.ts";
import { VERSION } from "../version.ts";
import { paint } from "../ui/logger.ts";

export function bannerLine(procRoot: string): string {
  const threads = ownThreadCount("/proc");
  const procs = countProcesses(procRoot);
  const pidMax = readNumber(`${procRoot}/sys/kernel/pid_max`);
  const t = threads === 1 ? "1 thread" : paint("31", `${threads} threads (WARNING: zero-thread rule broken)`);
  const p = procs === undefined ? "processes: ?" : `${procs} processes`;
  return `pidrescue ${VERSION}  pid ${process.pid}, ${t}; ${p}, pid_max ${pidMax ?? "?"}. Type help.`;
}

/** `pidrescue> `, or `pidrescue [3 stopped]> ` while this session holds processes stopped. */
export function promptText(session: SessionState): string {
  const held = session.frozen.size;
  const text = held > 0 ? `pidrescue [${held} stopped]> ` : "pidrescue> ";
  return paint(held > 0 ? "1;33" : "1", text);
}

function countProcesses(procRoot: string): number | undefined {
  try {
    let n = 0;
    for (const name of readdirSync(procRoot)) {
      const c = name.charCodeAt(0);
      if (c >= 48 && c <= 57) n++;
    }
    return n;
  } catch (e) {
    if (errnoCode(e) === "ENOENT" || errnoCode(e) === "EACCES") return undefined;
    throw e;
  }
}
