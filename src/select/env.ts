/**
 * What compiling a selector needs besides the table: the lazy reader for
 * cmdline/exe/cgroup, the boot time and "now" for age, and user names.
 */
import { readBootTime } from "../proc/clock.ts";
import { LazyReader } from "../proc/lazy.ts";
import { readText } from "../proc/reader.ts";

export interface SelectEnv {
  /** Reader for cmd=, exe=, cgroup=; needed only if the selector uses them. */
  lazy?: LazyReader;
  /** Boot time, seconds since the epoch (btime); needed only for age. */
  bootTime?: number;
  /** "Now" in epoch milliseconds for age (default Date.now() at compile time). */
  nowMs?: number;
  /** uid of a user name, or undefined if unknown (default: /etc/passwd). */
  userUid?: (name: string) => number | undefined;
}

/** The usual environment for a procfs root: lazy reader, btime, /etc/passwd. */
export function defaultEnv(procRoot: string): SelectEnv {
  return { lazy: new LazyReader(procRoot), bootTime: readBootTime(procRoot), userUid: passwdLookup("/etc/passwd") };
}

/** A user-name resolver over a passwd file, read once on first use. */
export function passwdLookup(path: string): (name: string) => number | undefined {
  let users: Map<string, number> | undefined;
  return (name) => {
    users ??= parsePasswd(readText(path, 1 << 22) ?? "");
    return users.get(name);
  };
}

/** name -> uid from passwd text (name:x:uid:...). */
export function parsePasswd(text: string): Map<string, number> {
  const m = new Map<string, number>();
  for (const line of text.split("\n")) {
    const f = line.split(":");
    if (f.length < 3 || f[0] === "" || line.startsWith("#")) continue;
    const uid = Number(f[2]);
    if (Number.isInteger(uid) && uid >= 0 && !m.has(f[0]!)) m.set(f[0]!, uid);
  }
  return m;
}
