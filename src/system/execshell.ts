/**
 * Hand the terminal back: replace pidrescue with a shell through execve
 * (same PID, no new task). Priority goes back to normal on the way: nice
 * returns to the value pidrescue was started with (stage 1 recorded it; 0
 * if unknown), and a real-time policy is reset by exec'ing through
 * `chrt -o 0` (no syscall for it is reachable without the JIT), so the
 * shell and everything it starts never inherit SCHED_FIFO by accident.
 * Without a chrt to do that, the plan says so (the caller warns).
 */
import { accessSync, constants } from "node:fs";
import { setPriority, getPriority } from "node:os";
import { PidrescueError, errnoCode } from "../errors.ts";
import { INHERITED_NICE_VAR } from "./boot-env.ts";
import { findChrt } from "./boost-facts.ts";
import { restoredEnv } from "./safe-env.ts";
import { ownSched, readText } from "./selfinfo.ts";

export interface ShellPlan {
  shell: string;
  argv: string[];
  /** The file actually exec'd (chrt when the policy must be reset). */
  execPath: string;
  execArgv: string[];
  source: "argument" | "$SHELL" | "passwd" | "fallback";
  resetPolicy: boolean;
  /** Real-time now, and no chrt to reset it: the shell would inherit the policy. */
  keepsRealtime: boolean;
}

/** Pick the shell: PATH argument, $SHELL, the passwd entry, /bin/sh. */
export function planShell(explicit: string | undefined, env: Record<string, string | undefined>, uid: number): ShellPlan {
  let shell: string | undefined;
  let source: ShellPlan["source"] = "fallback";
  if (explicit !== undefined && explicit !== "") {
    shell = explicit;
    source = "argument";
  } else if (env.SHELL && isExecutable(env.SHELL)) {
    shell = env.SHELL;
    source = "$SHELL";
  } else {
    const fromPasswd = passwdShell(readText("/etc/passwd") ?? "", uid);
    if (fromPasswd !== undefined && isExecutable(fromPasswd)) {
      shell = fromPasswd;
      source = "passwd";
    }
  }
  shell ??= "/bin/sh";
  if (!isExecutable(shell)) throw new PidrescueError("USAGE", `${shell} is not an executable file`);
  const base = shell.slice(shell.lastIndexOf("/") + 1);
  const argv = [`-${base}`]; // a login shell, as sshd or login would start it
  const sched = ownSched();
  const realtime = sched !== undefined && sched.policy !== 0;
  const chrt = realtime ? findChrt() : undefined;
  if (chrt !== undefined) {
    return { shell, argv, execPath: chrt, execArgv: ["chrt", "-o", "0", shell], source, resetPolicy: true, keepsRealtime: false };
  }
  return { shell, argv, execPath: shell, execArgv: argv, source, resetPolicy: false, keepsRealtime: realtime };
}

/** execve; returns only by throwing. */
export function execShell(plan: ShellPlan): never {
  const nice = inheritedNice(process.env[INHERITED_NICE_VAR]);
  try {
    if (getPriority() < nice) setPriority(nice);
  } catch (e) {
    // Raising nice (lowering priority) is always allowed; if it fails, the
    // shell just keeps a higher priority. Not worth aborting the hand-back for.
    void e;
  }
  const env = restoredEnv(process.env);
  resetIgnoredSignals();
  try {
    // When going through chrt, argv[0] of the shell cannot be "-sh"; chrt
    // passes the path. Ask for a login shell with -l where the shell knows it.
    const argv = plan.execPath === plan.shell ? plan.execArgv : [...plan.execArgv, ...loginFlag(plan.shell)];
    if (typeof process.execve !== "function") throw new Error("this runtime has no process.execve");
    process.execve(plan.execPath, argv, env);
  } catch (e) {
    throw new PidrescueError("IO", `cannot exec ${plan.execPath}: ${errnoCode(e) ?? String(e)}`);
  }
  throw new PidrescueError("INTERNAL", "execve returned");
}

/**
 * The Bun runtime ignores SIGPIPE and SIGXFSZ, and an ignored signal stays
 * ignored across execve: the shell and every command it starts would
 * inherit it (`yes | head -1` then prints "Broken pipe"). A caught signal
 * is reset to the default by execve, so catching them just before the exec
 * hands the shell the defaults. Measured: SigIgn of the exec'd shell went
 * from 0x1001000 (PIPE, XFSZ) to 0; no thread is created.
 */
function resetIgnoredSignals(): void {
  for (const sig of ["SIGPIPE", "SIGXFSZ"] as const) process.on(sig, () => undefined);
}

/** Pure: the recorded nice, clamped to -20..19; 0 when absent or not a number. */
export function inheritedNice(v: string | undefined): number {
  const n = Number(v);
  return v === undefined || v === "" || !Number.isInteger(n) ? 0 : Math.max(-20, Math.min(19, n));
}

export function passwdShell(passwd: string, uid: number): string | undefined {
  for (const line of passwd.split("\n")) {
    const f = line.split(":");
    if (f.length >= 7 && Number(f[2]) === uid) return f[6] || undefined;
  }
  return undefined;
}

function loginFlag(shell: string): string[] {
  const base = shell.slice(shell.lastIndexOf("/") + 1);
  return ["bash", "zsh", "ksh", "mksh", "dash", "sh", "ash", "fish"].includes(base) ? ["-l"] : [];
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false; // not there or not executable: the caller picks the next candidate
  }
}
