/**
 * Check that the procfs root (/proc or --proc-root) is usable before any
 * command reads it: a missing /proc or a wrong directory is one clear error,
 * not a stack trace from deep inside a scan.
 */
import { readdirSync, statSync } from "node:fs";
import { PidrescueError, errnoCode } from "../errors.ts";

export function checkProcRoot(root: string): void {
  let names: string[];
  try {
    if (!statSync(root).isDirectory()) throw new PidrescueError("NO_PROC", `${root} is not a directory (need a mounted procfs or a fixture tree)`);
    // A live procfs always lists PID 1 (in a PID namespace too): that one stat
    // saves a readdir of the whole table (about 1 us a process) before the scan.
    if (hasPid1(root)) return;
    names = readdirSync(root);
  } catch (e) {
    if (e instanceof PidrescueError) throw e;
    const code = errnoCode(e) ?? "error";
    throw new PidrescueError("NO_PROC", `cannot read ${root} (${code}): is procfs mounted? (mount -t proc proc /proc)`);
  }
  if (!names.some(isPidName)) {
    throw new PidrescueError("NO_PROC", `${root} holds no process directories: not a procfs or fixture tree`);
  }
}

function hasPid1(root: string): boolean {
  try {
    return statSync(`${root}/1/stat`).isFile();
  } catch (e) {
    if (errnoCode(e) === "ENOENT" || errnoCode(e) === "ENOTDIR" || errnoCode(e) === "EACCES") return false;
    throw e;
  }
}

export function isPidName(name: string): boolean {
  if (name.length === 0 || name.length > 10) return false;
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return name.charCodeAt(0) !== 48;
}
