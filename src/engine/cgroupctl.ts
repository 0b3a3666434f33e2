/**
 * Kernel-atomic group actions on cgroups: v2 `cgroup.freeze` / `cgroup.kill`
 * and the v1 freezer (`freezer.state`). Thin writers plus pure parsers of
 * what the kernel reports back.
 */
import { openSync, readFileSync, writeSync, closeSync } from "node:fs";
import { errnoCode } from "../errors.ts";
import { sleepMs } from "../system/sleep.ts";

export type CgroupResult = "ok" | "unsupported" | "eperm" | "gone" | "timeout" | "error";

/** "frozen 1" in cgroup.events. */
export function parseFrozen(events: string): boolean | undefined {
  const m = /(?:^|\n)frozen (\d)/.exec(events);
  return m === null ? undefined : m[1] === "1";
}

/** cgroup v2: freeze (1) or thaw (0) a cgroup directory and wait until the kernel says so. */
export function v2SetFrozen(dir: string, frozen: boolean, timeoutMs = 2000): CgroupResult {
  const w = writeValue(`${dir}/cgroup.freeze`, frozen ? "1" : "0");
  if (w !== "ok") return w;
  return waitFor(() => parseFrozen(readOr(`${dir}/cgroup.events`)) === frozen, timeoutMs);
}

/** cgroup v2 (5.14+): SIGKILL every task in the cgroup and its descendants, in one write. */
export function v2Kill(dir: string): CgroupResult {
  return writeValue(`${dir}/cgroup.kill`, "1");
}

/** cgroup v1 freezer: FROZEN / THAWED, waiting for the state to settle (FREEZING -> FROZEN). */
export function v1SetFrozen(dir: string, frozen: boolean, timeoutMs = 2000): CgroupResult {
  const want = frozen ? "FROZEN" : "THAWED";
  const w = writeValue(`${dir}/freezer.state`, want);
  if (w !== "ok") return w;
  return waitFor(() => readOr(`${dir}/freezer.state`).trim() === want, timeoutMs);
}

/** PIDs listed in a cgroup's cgroup.procs (v1 and v2). */
export function cgroupPids(dir: string): number[] {
  return parseProcsList(readOr(`${dir}/cgroup.procs`));
}

export function parseProcsList(text: string): number[] {
  const out: number[] = [];
  for (const line of text.split("\n")) {
    const n = Number(line);
    if (line !== "" && Number.isInteger(n) && n > 0) out.push(n);
  }
  return out;
}

function writeValue(path: string, value: string): CgroupResult {
  let fd: number;
  try {
    fd = openSync(path, "w");
  } catch (e) {
    return mapErr(e);
  }
  try {
    writeSync(fd, value);
    return "ok";
  } catch (e) {
    return mapErr(e);
  } finally {
    closeSync(fd);
  }
}

function readOr(path: string): string {
  try {
    return readFileSync(path, "latin1");
  } catch (e) {
    const code = errnoCode(e);
    if (code === "ENOENT" || code === "ENODEV") return ""; // cgroup removed meanwhile: callers see "not frozen"
    throw e;
  }
}

function waitFor(done: () => boolean, timeoutMs: number): CgroupResult {
  const end = Date.now() + timeoutMs;
  for (let delay = 1; ; delay = Math.min(delay * 2, 20)) {
    if (done()) return "ok";
    if (Date.now() >= end) return "timeout";
    sleepMs(delay);
  }
}

function mapErr(e: unknown): CgroupResult {
  switch (errnoCode(e)) {
    case "ENOENT":
      return "unsupported";
    case "EACCES":
    case "EPERM":
    case "EROFS":
      return "eperm";
    case "ENODEV":
    case "ESRCH":
      return "gone";
    default:
      return "error";
  }
}
