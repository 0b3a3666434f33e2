/**
 * The victim: an interactive bash inside the sandbox, started before the
 * bomb, fed its commands on stdin the way an admin types them. Its stdout
 * and stderr are files in the sandbox directory; after `exec` they are the
 * command's (pidrescue's) stdout and stderr.
 *
 * Why interactive: a non-interactive bash exits when a fork fails for good;
 * an interactive one prints the error and reads the next command, like the
 * admin's login shell in the original write-up.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { isGone } from "./cgroup.ts";
import { shq } from "./paths.ts";
import { exeOf } from "./procfs.ts";

/** Printed to stderr right before the exec; the echoed command line does not contain it. */
export const EXEC_MARKER = "@@sandbox-exec@@";
const MARKER_CMD = `echo "@@sandbox-""exec@@" >&2`;
const EAGAIN_RETRY = "fork: retry: Resource temporarily unavailable";

export class VictimShell {
  readonly outFile: string;
  readonly errFile: string;
  readonly goFile: string;
  private readonly readyFile: string;
  private readonly checkFile: string;
  private readonly execAtFile: string;
  private send: ((text: string) => void) | undefined;
  private shellExe: string | undefined;

  constructor(
    dir: string,
    private readonly log: (line: string) => void,
  ) {
    this.outFile = `${dir}/victim.out`;
    this.errFile = `${dir}/victim.err`;
    this.goFile = `${dir}/go`;
    this.readyFile = `${dir}/victim.ready`;
    this.checkFile = `${dir}/victim.check`;
    this.execAtFile = `${dir}/victim.exec-at`;
  }

  attach(send: (text: string) => void): void {
    this.send = send;
    // No prompts; SIGUSR1 only interrupts bash's fork-retry sleep.
    this.line(`PS1= PS2= PS4=; unset HISTFILE; trap ': sandbox' USR1; echo "$$" > ${shq(this.readyFile)}`);
  }

  stdout(): string {
    return readOr(this.outFile);
  }

  beforeExec(): string {
    const err = readOr(this.errFile);
    const i = markerIndex(err);
    return i < 0 ? err : err.slice(0, i);
  }

  afterExec(): string {
    const err = readOr(this.errFile);
    const i = markerIndex(err);
    return i < 0 ? "" : err.slice(i + EXEC_MARKER.length + 1);
  }

  /** Wait until the shell runs; returns its PID inside the namespace. */
  async waitReady(end: number, check: () => void): Promise<number> {
    for (;;) {
      check();
      const t = readOr(this.readyFile).trim();
      if (t !== "") return Number(t);
      if (Date.now() > end) throw new Error(`victim shell not ready: ${readOr(this.errFile).slice(-500)}`);
      await Bun.sleep(10);
    }
  }

  /** Let sbinit start the bomb. */
  go(): void {
    writeFileSync(this.goFile, "");
  }

  /**
   * Ask the shell to run /bin/true. bash retries a failed fork with sleeps
   * of 1, 2, 4, 8 s; once its "fork: retry" line shows the EAGAIN, SIGUSR1
   * (trapped, harmless) ends the sleep and with it the retry loop.
   */
  async checkFork(pid: number, owns: (pid: number) => boolean, end: number): Promise<{ forked: boolean; sawEagain: boolean }> {
    this.shellExe = exeOf(pid);
    const from = readOr(this.errFile).length;
    this.line("forked=no");
    this.line("/bin/true && forked=yes");
    this.line(`echo "$forked" > ${shq(this.checkFile)}`);
    let lastSignal = 0;
    for (;;) {
      const answer = readOr(this.checkFile).trim();
      const log = readOr(this.errFile).slice(from);
      const sawEagain = log.includes(EAGAIN_RETRY);
      if (answer === "yes" || answer === "no") {
        this.log(`victim fork check: ${answer === "yes" ? "FORKED" : "could not fork"}${sawEagain ? " (EAGAIN)" : ""}`);
        return { forked: answer === "yes", sawEagain };
      }
      if (sawEagain && Date.now() - lastSignal > 300 && exeOf(pid) === this.shellExe && owns(pid)) {
        process.kill(pid, "SIGUSR1");
        lastSignal = Date.now();
      }
      if (Date.now() > end) throw new Error(`victim fork check did not finish: ${log.slice(-500)}`);
      await Bun.sleep(50);
    }
  }

  /** Export `env`, then `exec` the command; resolves once /proc shows the new image (or it already exited). */
  async exec(command: string[], env: Record<string, string>, pid: number, end: number): Promise<void> {
    const exports = Object.entries(env).map(([k, v]) => {
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(k)) throw new Error(`bad variable name ${k}`);
      return `export ${k}=${shq(v)}; `;
    });
    // $EPOCHREALTIME is written (a builtin and a redirection: no fork) right before the exec.
    const stamp = `printf '%s\\n' "$EPOCHREALTIME" > ${shq(this.execAtFile)}`;
    this.line(`${exports.join("")}${MARKER_CMD}; ${stamp}; exec ${command.map(shq).join(" ")}`);
    for (;;) {
      const exe = exeOf(pid);
      if (exe !== undefined && exe !== this.shellExe) return;
      // The command may be bash itself (the bash-builtin baseline): then the exec shows in the command line.
      if (exe !== undefined && command[0]?.endsWith("bash") && cmdlineOf(pid).includes("\0-c\0")) return;
      if (exe === undefined && markerIndex(readOr(this.errFile)) >= 0) return; // exec'd and already exited
      if (Date.now() > end) throw new Error(`exec did not happen: ${this.beforeExec().slice(-500)}`);
      await Bun.sleep(10);
    }
  }

  /** Run `script` in the shell itself (no exec, no fork), then exit; returns at once (see execStamp()). */
  runScript(script: string): void {
    const stamp = `printf '%s\\n' "$EPOCHREALTIME" > ${shq(this.execAtFile)}`;
    this.line(`${MARKER_CMD}; ${stamp}; ${script.trim()}\nexit`);
  }

  /** Epoch ms at the exec (the shell's $EPOCHREALTIME), undefined before it. */
  execStamp(): number | undefined {
    const t = readOr(this.execAtFile).trim();
    const s = Number(t.replace(",", "."));
    return t !== "" && Number.isFinite(s) ? s * 1000 : undefined;
  }

  private line(text: string): void {
    if (!this.send) throw new Error("victim not attached");
    this.send(`${text}\n`);
  }
}

function cmdlineOf(pid: number): string {
  return readOr(`/proc/${pid}/cmdline`);
}

function markerIndex(err: string): number {
  const i = err.indexOf(`\n${EXEC_MARKER}\n`);
  if (i >= 0) return i + 1;
  return err.startsWith(`${EXEC_MARKER}\n`) ? 0 : -1;
}

function readOr(path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch (e) {
    if (isGone(e)) return "";
    throw e;
  }
}

