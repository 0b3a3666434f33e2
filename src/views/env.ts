/** What rendering a row needs besides the table: lazy files, the clock, user names. */
import { readBootTime } from "../proc/clock.ts";
import { LazyReader } from "../proc/lazy.ts";
import { userNamer } from "./users.ts";

export interface ViewEnv {
  /** cmdline, exe, cgroup, ... read only for rows that are shown. */
  lazy: LazyReader;
  /** Boot time (epoch seconds) for ages; undefined when <procRoot>/stat has no btime. */
  bootTime: number | undefined;
  /** "Now" in epoch ms (one value per command, so ages agree). */
  nowMs: number;
  userName(uid: number): string;
}

/** The usual environment of a procfs root (reads its btime now). */
export function viewEnv(procRoot: string, lazy = new LazyReader(procRoot)): ViewEnv {
  return { lazy, bootTime: readBootTime(procRoot), nowMs: Date.now(), userName: userNamer() };
}
