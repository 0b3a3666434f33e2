/** The scan every view starts with, with progress on a TTY and a warning for what could not be read. */
import { scanProcs } from "../proc/scanner.ts";
import type { ProcTable } from "../proc/table.ts";
import { logger } from "../ui/logger.ts";
import { num } from "./format.ts";
import { progress } from "./progress.ts";

export function scanForView(procRoot: string): ProcTable {
  const p = progress(`scanning ${procRoot}:`);
  let t: ProcTable;
  try {
    t = scanProcs({ procRoot, onProgress: p.onProgress });
  } finally {
    p.done();
  }
  const denied = t.info?.denied ?? 0;
  if (denied > 0) logger.warn(`${num(denied)} processes could not be read (hidepid, or not root): they are not counted`);
  return t;
}
