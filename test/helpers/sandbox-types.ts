/**
 * Types of the starvation sandbox (sandbox.ts) and the parser of sbinit's
 * status file.
 */
import { readFileSync } from "node:fs";
import { isGone } from "./cgroup.ts";
import type { Sandbox } from "./sandbox.ts";

export type SandboxMode = "pidmax" | "cgroup" | "nproc";
export type BombName = "forkbomb" | "rogue.sh" | "funcbomb.sh";

export interface SandboxOptions {
  /** argv the starved shell `exec`s, e.g. [BINARY, "doctor"]. */
  command: string[];
  /** "auto" (default): pidmax when the kernel allows a per-namespace pid_max, else cgroup. */
  mode?: SandboxMode | "auto";
  /** Default forkbomb. "none" starts no bomb (the table is then not full). */
  bomb?: BombName | "none";
  /** Extra arguments for the bomb (forkbomb: -s setsid, -r random names, -b BACKOFF_US). */
  bombArgs?: string[];
  /**
   * Words before the bomb's path in its exec line: ["setsid"] starts it in a
   * session (and process group) of its own (no fork: the shell sbinit starts
   * leads no group); ["/bin/bash"] runs a script bomb through bash, so its
   * processes are named "bash" as when typed at an interactive shell.
   */
  bombPrefix?: string[];
  /**
   * Bystanders: commands sbinit starts inside the namespace before the bomb
   * (stdio on /dev/null, in init's cgroup), e.g. [["setsid", NAMED, hex, "300"]].
   * Their PIDs: Sandbox.extras().
   */
  extras?: string[][];
  /** Computes the command right before the exec (e.g. from the bomb's PID); overrides `command`. */
  commandFor?: (sb: Sandbox) => string[];
  /**
   * Shell text the starved shell runs itself, in place of `exec COMMAND`
   * (builtins only: it cannot fork), then it exits. For the bash-builtin
   * method of the original write-up. Overrides `command`.
   */
  shellScript?: string;
  /** pidmax mode: the namespace's pid_max (default 1000; the kernel's minimum is 301). */
  pidMax?: number;
  /** The sandbox cgroup's pids.max (default: pidmax pidMax+100, cgroup 300, nproc nproc+40). */
  pidsMax?: number;
  /** nproc mode: RLIMIT_NPROC of the test user (default 60). */
  nproc?: number;
  /** Exported in the starved shell right before the exec (e.g. hostile BUN_* variables). */
  env?: Record<string, string>;
  /** Hard bound on the sandbox's whole life (default 120 s). */
  timeoutMs?: number;
  /** Bound on filling the table (default 60 s). */
  fillTimeoutMs?: number;
  /** Bound on the starved shell's fork check and on its exec each (default 30 s and 20 s; a big spinning bomb needs more). */
  execTimeoutMs?: number;
  /** Keep the namespace (and the bomb) after the command exits; destroy() ends it. */
  keepAfterExit?: boolean;
  /** Progress lines (default: none). */
  log?: (line: string) => void;
}

export interface SandboxTimings {
  setupMs: number;
  /** Bomb start to "full". */
  fillMs: number;
  /** The victim's fork check, including bash's retry. */
  checkMs: number;
  /** Writing the exec line until /proc shows the new image. */
  execMs: number;
}

export interface ExitStatus {
  code: number;
  signal: number | null;
}

export interface CleanupReport {
  /** Processes that were still in the cgroup after the namespace died. */
  leftover: number;
  cgroupRemoved: boolean;
  ms: number;
}

export function readStatus(dir: string): string[] {
  try {
    return readFileSync(`${dir}/status`, "utf8").split("\n").filter((l) => l !== "");
  } catch (e) {
    if (isGone(e)) return [];
    throw e;
  }
}

/** The victim's end from sbinit's status lines. */
export function exitOf(lines: readonly string[]): ExitStatus | undefined {
  for (const l of lines) {
    const m = /^victim-(exit|signal) (\d+)$/.exec(l);
    if (m?.[2] === undefined) continue;
    const n = Number(m[2]);
    return m[1] === "exit" ? { code: n, signal: null } : { code: 128 + n, signal: n };
  }
  return undefined;
}
