/** Adding single processes to a table after its scan (new PIDs met while planning or sweeping). */
import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import type { ProcTable } from "../proc/table.ts";
import { O_READ, expectedFailure } from "../proc/reader.ts";

let buf: Buffer | undefined;

/** Read <pid>/stat and its owner into a new row; the row, or -1 if gone/unreadable. */
export function appendPid(table: ProcTable, procRoot: string, pid: number): number {
  const path = `${procRoot}/${pid}/stat`;
  const b = (buf ??= Buffer.alloc(4096));
  let fd: number;
  try {
    fd = openSync(path, O_READ);
  } catch (e) {
    expectedFailure(e, path);
    return -1;
  }
  try {
    const n = readSync(fd, b, 0, b.length - 1, -1);
    const uid = fstatSync(fd).uid;
    return table.appendStat(b, n, uid, pid, String(pid).length);
  } catch (e) {
    expectedFailure(e, path);
    return -1;
  } finally {
    closeSync(fd);
  }
}
