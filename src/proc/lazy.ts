/**
 * Per-process fields that cost one more file read each, read only when a
 * view shows them or a selector matches on them: cmdline, exe, cgroup,
 * status, limits, loginuid. Cached per (pid, starttime), so a recycled PID
 * never gets another process's answer; the cache is bounded (cleared when
 * it reaches its size) because a selector may touch every row once.
 */
import { type CgroupMembership, parseProcCgroup } from "../system/mountinfo.ts";
import { readBytes, readLink, readText } from "./reader.ts";

/** Lazy fields a selector or view can ask for. */
export type LazyField = "cmdline" | "exe" | "cgroup" | "status" | "limits" | "loginuid";

interface Entry {
  starttime: number;
  cmdline?: string | null;
  exe?: string | null;
  cgroup?: CgroupMembership | null;
  status?: string | null;
  limits?: string | null;
  loginuid?: number | null;
}

/** loginuid value meaning "not set" ((uid_t)-1). */
export const LOGINUID_UNSET = 4294967295;

export class LazyReader {
  private readonly cache = new Map<number, Entry>();

  constructor(
    readonly procRoot: string,
    private readonly maxEntries = 65536,
  ) {}

  /** Command line, arguments joined by spaces (NULs as spaces, trailing NUL dropped); "" for kernel threads; undefined if gone. */
  cmdline(pid: number, starttime: number): string | undefined {
    const e = this.entry(pid, starttime);
    if (e.cmdline === undefined) {
      const b = readBytes(this.path(pid, "cmdline"), 131072);
      e.cmdline = b === undefined ? null : joinArgs(b);
    }
    return e.cmdline ?? undefined;
  }

  /** Target of the exe link (" (deleted)" kept as the kernel shows it); undefined if gone, denied or a kernel thread. */
  exe(pid: number, starttime: number): string | undefined {
    const e = this.entry(pid, starttime);
    if (e.exe === undefined) e.exe = readLink(this.path(pid, "exe")) ?? null;
    return e.exe ?? undefined;
  }

  /** Cgroup membership (v1 controllers and the v2 path). */
  cgroup(pid: number, starttime: number): CgroupMembership | undefined {
    const e = this.entry(pid, starttime);
    if (e.cgroup === undefined) {
      const t = readText(this.path(pid, "cgroup"));
      e.cgroup = t === undefined ? null : parseProcCgroup(t);
    }
    return e.cgroup ?? undefined;
  }

  /** /proc/<pid>/status as text. */
  status(pid: number, starttime: number): string | undefined {
    const e = this.entry(pid, starttime);
    if (e.status === undefined) e.status = readText(this.path(pid, "status")) ?? null;
    return e.status ?? undefined;
  }

  /** /proc/<pid>/limits as text. */
  limits(pid: number, starttime: number): string | undefined {
    const e = this.entry(pid, starttime);
    if (e.limits === undefined) e.limits = readText(this.path(pid, "limits")) ?? null;
    return e.limits ?? undefined;
  }

  /** Audit login uid (LOGINUID_UNSET when never set); undefined if gone or absent. */
  loginuid(pid: number, starttime: number): number | undefined {
    const e = this.entry(pid, starttime);
    if (e.loginuid === undefined) {
      const t = readText(this.path(pid, "loginuid"), 64);
      const n = t === undefined ? Number.NaN : Number(t.trim());
      e.loginuid = Number.isInteger(n) && n >= 0 ? n : null;
    }
    return e.loginuid ?? undefined;
  }

  /** Forget everything (after a rescan, or to bound memory). */
  clear(): void {
    this.cache.clear();
  }

  private path(pid: number, file: string): string {
    return `${this.procRoot}/${pid}/${file}`;
  }

  private entry(pid: number, starttime: number): Entry {
    let e = this.cache.get(pid);
    if (e === undefined || e.starttime !== starttime) {
      if (this.cache.size >= this.maxEntries) this.cache.clear();
      e = { starttime };
      this.cache.set(pid, e);
    }
    return e;
  }
}

/** cmdline bytes -> text: NUL separators as spaces, the final NUL dropped. */
export function joinArgs(b: Uint8Array): string {
  let end = b.length;
  while (end > 0 && b[end - 1] === 0) end--;
  const copy = Buffer.from(b.subarray(0, end));
  for (let i = 0; i < copy.length; i++) if (copy[i] === 0) copy[i] = 32;
  return copy.toString("utf8");
}
