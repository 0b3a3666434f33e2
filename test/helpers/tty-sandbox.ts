/**
 * The starvation sandbox with a real terminal: like sandbox.ts (same
 * cgroup, sbinit, bombs and bounds), but the whole namespace runs in a tmux
 * pane, so the victim bash, and pidrescue after its `exec`, have a TTY as
 * stdin/stdout/stderr and the test types with send-keys and reads the
 * screen with capture-pane.
 *
 *   tmux pane: sh (joins <cgroup>/init) -> exec unshare --pid --fork
 *   --mount-proc --kill-child sbinit ... -- bash -i   (the victim)
 *
 * Bounded: sbinit's hard time limit, the bomb's deadline, and destroy()
 * kills the namespace's init from outside, kills the tmux server and
 * removes the cgroup. Only processes confirmed inside the cgroup are
 * signalled.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { SandboxCgroup, isGone } from "./cgroup.ts";
import { BOMBS_DIR, SBINIT, shq } from "./paths.ts";
import { isDeadOrZombie, nsPidsOf } from "./procfs.ts";
import { sandboxSupport, sandboxUnavailable } from "./support.ts";
import { Tmux } from "./tmux.ts";

export interface TtySandboxOptions {
  /** pidmax mode: the namespace's pid_max (default 1000). Without kernel support: cgroup mode. */
  pidMax?: number;
  /** The sandbox cgroup's pids.max (default pidMax + 100, or 300 in cgroup mode). */
  pidsMax?: number;
  /** Hard bound on the sandbox's life (default 150 s). */
  timeoutMs?: number;
  width?: number;
  height?: number;
  log?: (line: string) => void;
}

export class TtySandbox {
  readonly tmux = new Tmux("sb");
  readonly dir: string;
  readonly cgroup: SandboxCgroup;
  readonly mode: "pidmax" | "cgroup";
  readonly pidMax: number | undefined;
  readonly pidsMax: number;
  initPid = 0;
  victimPid = 0;
  /** Victim cgroup pids.events max right before the exec. */
  victimEventsAtExec = 0;
  private readonly deadline: number;
  private destroyed = false;

  constructor(private readonly opts: TtySandboxOptions = {}) {
    const why = sandboxUnavailable();
    if (why !== undefined) throw new Error(`sandbox unavailable: ${why}`);
    this.mode = sandboxSupport().pidnsPidMax ? "pidmax" : "cgroup";
    this.pidMax = this.mode === "pidmax" ? (opts.pidMax ?? 1000) : undefined;
    this.pidsMax = opts.pidsMax ?? (this.pidMax !== undefined ? this.pidMax + 100 : 300);
    this.deadline = Date.now() + (opts.timeoutMs ?? 150_000);
    this.dir = mkdtempSync(`${tmpdir()}/pidrescue-ttysb-`);
    this.cgroup = SandboxCgroup.create(this.pidsMax);
  }

  /** Start the namespace in the pane and wait for the victim shell. */
  async start(): Promise<void> {
    const seconds = Math.ceil((this.deadline - Date.now()) / 1000);
    const sbinit = [SBINIT, "-s", `${this.dir}/status`, "-t", String(seconds + 15)];
    if (this.pidMax !== undefined) sbinit.push("-p", String(this.pidMax));
    sbinit.push("-V", this.cgroup.procsFile("victim"), "-B", this.cgroup.procsFile("bomb"));
    sbinit.push("-w", `${this.dir}/go`, "-b", `exec ${shq(`${BOMBS_DIR}/rogue.sh`)}`);
    const env = [
      "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
      `HOME=${this.dir}`,
      "LANG=C.UTF-8",
      "TERM=screen",
      "SHELL=/bin/bash",
      "PIDRESCUE_SANDBOX=1",
      `PIDRESCUE_BOMB_SECONDS=${seconds + 10}`,
    ];
    const argv = [
      "env",
      "-i",
      ...env,
      "/bin/sh",
      "-c",
      'echo $$ > "$0" && exec "$@"', // join the cgroup, then become unshare: no fork
      this.cgroup.procsFile("init"),
      "unshare",
      "--pid",
      "--fork",
      "--mount-proc",
      "--kill-child",
      ...sbinit,
      "--",
      "/bin/bash",
      "--norc",
      "--noprofile",
      "-i",
    ];
    this.tmux.start(`exec ${argv.map(shq).join(" ")}`, this.opts.width ?? 100, this.opts.height ?? 30);
    this.tmux.line(`PS1='victim$ '; trap ': sandbox' USR1; echo $$ > ${shq(`${this.dir}/ready`)}`);
    const nsPid = Number(await this.waitFile("ready", 20_000));
    const end = this.phaseEnd(10_000);
    for (;;) {
      const victims = this.cgroup.procs("victim");
      const init = this.cgroup.procs("init").find((p) => nsPidsOf(p).at(-1) === 1);
      if (victims.length === 1 && victims[0] !== undefined && init !== undefined && nsPidsOf(victims[0]).at(-1) === nsPid) {
        this.victimPid = victims[0];
        this.initPid = init;
        break;
      }
      if (Date.now() > end) throw new Error(`victim or init not found in ${this.cgroup.path}`);
      await Bun.sleep(20);
    }
    this.log(`victim ${this.victimPid} (ns ${nsPid}), init ${this.initPid}, ${this.mode}`);
  }

  /** Start the bomb and wait until the table is full. */
  async fill(): Promise<number> {
    writeFileSync(`${this.dir}/go`, "");
    const want = this.mode === "pidmax" ? (this.pidMax ?? 0) - 1 : this.pidsMax;
    const end = this.phaseEnd(60_000);
    let last = -1;
    let lastChange = Date.now();
    for (;;) {
      const cur = this.cgroup.current();
      const have = this.mode === "pidmax" ? cur - 1 : cur;
      if (have >= want) break;
      if (cur !== last) {
        last = cur;
        lastChange = Date.now();
      } else if (Date.now() - lastChange > 1500 && cur > 10) {
        break; // nothing grew for 1.5 s: the limit is reached
      }
      if (Date.now() > end) throw new Error(`bomb did not fill the table (${have}/${want})`);
      await Bun.sleep(20);
    }
    this.log(`full at ${this.cgroup.current()} tasks`);
    return this.cgroup.current();
  }

  /** The victim tries /bin/true; true if it could fork. Cuts bash's fork retry short with SIGUSR1. */
  async victimCanFork(): Promise<boolean> {
    this.tmux.line("forked=no");
    this.tmux.line("/bin/true && forked=yes");
    this.tmux.line(`echo "$forked" > ${shq(`${this.dir}/check`)}`);
    const end = this.phaseEnd(40_000);
    let lastSignal = 0;
    for (;;) {
      const answer = this.readFile("check").trim();
      if (answer === "yes" || answer === "no") return answer === "yes";
      const retrying = this.tmux.history().includes("fork: retry");
      if (retrying && Date.now() - lastSignal > 300 && this.cgroup.owns(this.victimPid)) {
        process.kill(this.victimPid, "SIGUSR1");
        lastSignal = Date.now();
      }
      if (Date.now() > end) throw new Error(`fork check did not finish:\n${this.tmux.screen()}`);
      await Bun.sleep(50);
    }
  }

  /** `exec` the command in the victim shell (typed, as the admin would). */
  exec(command: string[]): void {
    this.victimEventsAtExec = this.cgroup.events("victim");
    this.tmux.line(`exec ${command.map(shq).join(" ")}`);
  }

  /** Task creations refused to the victim cgroup since the exec. */
  forkAttempts(): number {
    return this.cgroup.events("victim") - this.victimEventsAtExec;
  }

  /** Live (not zombie) processes of the bomb cgroup. */
  liveBombs(): number {
    return this.cgroup.procs("bomb").filter((p) => !isDeadOrZombie(p)).length;
  }

  async destroy(): Promise<{ leftover: number; removed: boolean }> {
    if (this.destroyed) return { leftover: 0, removed: true };
    this.destroyed = true;
    if (this.initPid !== 0 && this.cgroup.owns(this.initPid) && nsPidsOf(this.initPid).at(-1) === 1) {
      try {
        process.kill(this.initPid, "SIGKILL"); // the kernel kills the whole namespace
      } catch (e) {
        if (!isGone(e)) throw e;
      }
    }
    this.tmux.kill();
    const r = this.cgroup.remove(10_000);
    rmSync(this.dir, { recursive: true, force: true });
    this.log(`cleaned up (leftover ${r.leftover}, cgroup removed ${r.removed})`);
    return r;
  }

  private async waitFile(name: string, ms: number): Promise<string> {
    const end = this.phaseEnd(ms);
    for (;;) {
      const t = this.readFile(name).trim();
      if (t !== "") return t;
      if (Date.now() > end) throw new Error(`${name} did not appear; screen:\n${this.tmux.screen()}\nstatus: ${this.readFile("status")}`);
      await Bun.sleep(20);
    }
  }

  private readFile(name: string): string {
    try {
      return readFileSync(`${this.dir}/${name}`, "utf8");
    } catch (e) {
      if (isGone(e)) return "";
      throw e;
    }
  }

  private phaseEnd(ms: number): number {
    return Math.min(Date.now() + ms, this.deadline);
  }

  private log(line: string): void {
    this.opts.log?.(`[tty-sandbox] ${line}`);
  }
}
