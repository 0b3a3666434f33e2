/**
 * The protected set: processes pidrescue never signals.
 *
 *  - itself and every ancestor (the admin's login chain), by PID *and*
 *    starttime, so a reused PID is not mistaken for one;
 *  - PID 1 and kernel threads (PF_KTHREAD, or children of kthreadd);
 *  - by default, the system's own daemons (sshd, login, getty, systemd...).
 *
 * A name is never enough: any process can call itself "sshd". A daemon is
 * protected only when its executable is the real one (a system directory,
 * basename matching), and its parent is PID 1 or another protected daemon.
 * A process whose name claims a daemon but fails those checks is marked
 * *suspicious* and is NOT protected. The admin may override the daemon class
 * (never the others) with --include-protected.
 */

export type ProtectReason = "self" | "ancestor" | "init" | "kernel-thread" | "daemon";

/** What the protection rules look at for one process. */
export interface ProcFacts {
  pid: number;
  ppid: number;
  starttime: number;
  flags: number;
  comm: string;
}

export const PF_KTHREAD = 0x00200000;

/** Daemon names (comm) and the executable basenames that may legitimately carry them. */
export const DAEMONS: ReadonlyMap<string, readonly string[]> = new Map([
  ["sshd", ["sshd"]],
  ["sshd-session", ["sshd-session", "sshd"]],
  ["sshd-auth", ["sshd-auth", "sshd"]],
  ["login", ["login"]],
  ["agetty", ["agetty"]],
  ["getty", ["getty", "agetty"]],
  ["mingetty", ["mingetty"]],
  ["systemd", ["systemd"]],
  ["init", ["init", "systemd", "busybox"]],
  ["systemd-journal", ["systemd-journald"]],
  ["systemd-logind", ["systemd-logind"]],
  ["systemd-udevd", ["systemd-udevd", "udevadm"]],
  ["systemd-network", ["systemd-networkd"]],
  ["systemd-resolve", ["systemd-resolved"]],
  ["dbus-daemon", ["dbus-daemon"]],
  ["dbus-broker", ["dbus-broker"]],
  ["cron", ["cron"]],
  ["crond", ["crond"]],
  ["rsyslogd", ["rsyslogd"]],
  ["dropbear", ["dropbear", "dropbearmulti"]],
  ["tmux: server", ["tmux"]],
]);

/** Directories a real daemon executable lives in. */
export const SYSTEM_DIRS = ["/usr/sbin/", "/sbin/", "/usr/bin/", "/bin/", "/usr/lib/systemd/", "/lib/systemd/", "/usr/lib/openssh/", "/usr/libexec/", "/usr/libexec/openssh/"];

export type DaemonVerdict = "daemon" | "suspicious" | "none";

/**
 * Is this a real daemon? `exe` is the readlink of /proc/<pid>/exe (undefined
 * when unreadable), `parentIsTrusted` whether the parent is PID 1 or a
 * protected daemon. Pure.
 */
export function judgeDaemon(comm: string, exe: string | undefined, parentIsTrusted: boolean): DaemonVerdict {
  const bases = DAEMONS.get(comm);
  if (bases === undefined) return "none";
  if (exe === undefined) return "suspicious";
  const clean = exe.endsWith(" (deleted)") ? exe.slice(0, -" (deleted)".length) : exe;
  const slash = clean.lastIndexOf("/");
  const dir = clean.slice(0, slash + 1);
  const base = clean.slice(slash + 1);
  const inSystemDir = SYSTEM_DIRS.some((d) => dir === d || dir.startsWith(d));
  if (inSystemDir && bases.includes(base) && parentIsTrusted) return "daemon";
  return "suspicious";
}

export class ProtectedSet {
  /** pid -> starttime of self and ancestors. */
  private readonly chain: Map<number, number>;
  private readonly daemons = new Map<number, number>();
  readonly suspicious = new Map<number, string>();
  readonly selfPid: number;
  readonly selfPgrp: number;

  /**
   * Is PID 2 kthreadd? On a host it is; inside a PID namespace (a container,
   * the sandbox) PID 2 is an ordinary process, whose children must not pass
   * for kernel threads: a bomb started as PID 2 would otherwise be untouchable.
   */
  private readonly pid2IsKthreadd: boolean;

  constructor(selfPid: number, selfPgrp: number, chain: Map<number, number>, pid2IsKthreadd = true) {
    this.selfPid = selfPid;
    this.selfPgrp = selfPgrp;
    this.chain = chain;
    this.pid2IsKthreadd = pid2IsKthreadd;
  }

  /** Record a daemon verdict for a process (done once per process by the planner). */
  markDaemon(pid: number, starttime: number, verdict: DaemonVerdict, comm: string): void {
    if (verdict === "daemon") this.daemons.set(pid, starttime);
    else if (verdict === "suspicious") this.suspicious.set(pid, comm);
  }

  isDaemon(pid: number, starttime: number): boolean {
    return this.daemons.get(pid) === starttime;
  }

  /** Why this process is protected, or undefined. `allowDaemons` is --include-protected. */
  reason(p: ProcFacts, allowDaemons = false): ProtectReason | undefined {
    if (p.pid === this.selfPid) return "self";
    if (p.pid === 1) return "init";
    if ((p.flags & PF_KTHREAD) !== 0 || (this.pid2IsKthreadd && (p.pid === 2 || p.ppid === 2))) return "kernel-thread";
    if (this.chain.get(p.pid) === p.starttime) return "ancestor";
    if (!allowDaemons && this.isDaemon(p.pid, p.starttime)) return "daemon";
    return undefined;
  }

  /** Ancestors (without self), nearest first, for the plan. */
  ancestors(): number[] {
    return [...this.chain.keys()].filter((p) => p !== this.selfPid);
  }

  /** A process-group id that must never be signalled as a group. */
  isForbiddenGroup(pgid: number): boolean {
    return pgid <= 1 || pgid === this.selfPgrp;
  }
}
