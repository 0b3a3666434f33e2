/**
 * The starvation sandbox: reproduces "fork: Resource temporarily
 * unavailable" for real and runs a command (pidrescue) in the starved shell.
 *
 *   1. a pids cgroup with a small cap (cgroup.ts), always removed afterwards;
 *   2. `unshare --pid --fork --mount-proc` with bench/bin/sbinit as PID 1,
 *      which sets the namespace's own pid_max (mode "pidmax"), or leaves it
 *      and lets the cgroup cap be what runs out (mode "cgroup"), or drops
 *      the victim and bomb to the test user with a small RLIMIT_NPROC
 *      (mode "nproc");
 *   3. the VICTIM, an interactive bash started before the bomb and fed its
 *      commands on stdin (as an admin would type them), waits;
 *   4. the bomb fills the table; "full" is read from outside (pids.current);
 *   5. the victim runs /bin/true and must fail ("fork: retry: Resource
 *      temporarily unavailable"); bash would retry for ~15 s, so SIGUSR1
 *      (trapped) cuts the retry short; then it `exec`s the command.
 *
 * Bounded: sbinit has a hard time limit, the bombs a self-destruct time, and
 * destroy() kills the namespace's init from outside (the kernel then kills
 * the whole namespace), empties and removes the cgroup. Nothing outside the
 * sandbox cgroup is ever signalled. Use withSandbox() or call destroy() in a
 * finally; an exit hook catches the rest.
 */
import type { Subprocess } from "bun";
import { chmodSync, chownSync, closeSync, copyFileSync, existsSync, mkdtempSync, openSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { isGone, SandboxCgroup } from "./cgroup.ts";
import { BOMBS_DIR, FORKBOMB, SBINIT, othersCanUse, shq, type UserIds } from "./paths.ts";
import { isDeadOrZombie, nsPidsOf, threadCount } from "./procfs.ts";
import { sandboxSupport, sandboxUnavailable } from "./support.ts";
import { type BombName, type CleanupReport, type ExitStatus, type SandboxMode, type SandboxOptions, type SandboxTimings, exitOf, readStatus } from "./sandbox-types.ts";
import { VictimShell } from "./victim.ts";

export type { BombName, CleanupReport, ExitStatus, SandboxMode, SandboxOptions, SandboxTimings } from "./sandbox-types.ts";
export { exitOf, readStatus } from "./sandbox-types.ts";

const DIR_PREFIX = "pidrescue-sb-";
const live = new Set<Sandbox>();
let hooked = false;

/** Start a sandbox; on any failure it is torn down before the error is thrown. */
export async function startSandbox(opts: SandboxOptions): Promise<Sandbox> {
  const why = sandboxUnavailable();
  if (why !== undefined) throw new Error(`sandbox unavailable: ${why}`);
  const sb = new Sandbox(opts);
  try {
    await sb.start();
    return sb;
  } catch (e) {
    await sb.destroy();
    throw e;
  }
}

/** Run `fn` with a started sandbox and always destroy it afterwards. */
export async function withSandbox<T>(opts: SandboxOptions, fn: (sb: Sandbox) => Promise<T>): Promise<T> {
  const sb = await startSandbox(opts);
  try {
    return await fn(sb);
  } finally {
    await sb.destroy();
  }
}

/** Tear down every sandbox still alive (afterAll; also runs at process exit). */
export async function destroyAllSandboxes(): Promise<void> {
  for (const sb of [...live]) await sb.destroy();
}

export class Sandbox {
  readonly mode: SandboxMode;
  readonly dir: string;
  readonly cgroup: SandboxCgroup;
  /** pidmax mode: the namespace's pid_max. */
  readonly pidMax: number | undefined;
  /** RLIMIT_NPROC in nproc mode. */
  readonly nproc: number | undefined;
  /** The cgroup's pids.max. */
  readonly pidsMax: number;
  /** Outer PID of the namespace's init (sbinit). */
  initPid = 0;
  /** Outer PID of the victim shell, and of the command after its exec. */
  victimPid = 0;
  /** The victim's fork attempt succeeded (must be false in a starved sandbox). */
  victimCouldFork: boolean | undefined;
  /** bash printed "fork: retry: Resource temporarily unavailable" (EAGAIN seen). */
  victimSawEagain = false;
  /** Victim cgroup's pids.events max right before the exec (baseline for forkAttempts()). */
  victimEventsAtExec = 0;
  /** Task count (pids.current) when the table was judged full. */
  tasksAtFull = 0;
  /** Task count right after the exec was seen (use keepAfterExit so a fast command cannot end the namespace first). */
  tasksAtExec = 0;
  fullBy: "count" | "stall" | "none" = "none";
  readonly timings: SandboxTimings = { setupMs: 0, fillMs: 0, checkMs: 0, execMs: 0 };

  private proc: Subprocess<"pipe", number, number> | undefined;
  private readonly victim: VictimShell;
  private readonly user: UserIds | undefined;
  private readonly deadline: number;
  private destroyed: Promise<CleanupReport> | undefined;
  private cleanup: CleanupReport | undefined;
  private readonly watchdog: ReturnType<typeof setTimeout>;

  constructor(private readonly opts: SandboxOptions) {
    const s = sandboxSupport();
    const mode = opts.mode ?? "auto";
    this.mode = mode === "auto" ? (s.pidnsPidMax ? "pidmax" : "cgroup") : mode;
    if (this.mode === "pidmax" && !s.pidnsPidMax) throw new Error("this kernel has no per-namespace pid_max (needs Linux 6.14+)");
    if (this.mode === "nproc" && s.testUser === undefined) throw new Error("test user missing: run `bun scripts/test-setup.ts`");
    this.pidMax = this.mode === "pidmax" ? (opts.pidMax ?? 1000) : undefined;
    this.nproc = this.mode === "nproc" ? (opts.nproc ?? 60) : undefined;
    this.pidsMax = opts.pidsMax ?? (this.pidMax !== undefined ? this.pidMax + 100 : this.nproc !== undefined ? this.nproc + 40 : 300);
    this.user = this.mode === "nproc" ? s.testUser : undefined;
    this.deadline = Date.now() + (opts.timeoutMs ?? 120_000);
    removeStaleDirs();
    this.dir = mkdtempSync(`${tmpdir()}/${DIR_PREFIX}${process.pid}-`);
    try {
      chmodSync(this.dir, 0o755);
      if (this.user) chownSync(this.dir, this.user.uid, this.user.gid);
      this.cgroup = SandboxCgroup.create(this.pidsMax);
    } catch (e) {
      rmSync(this.dir, { recursive: true, force: true });
      throw e;
    }
    this.victim = new VictimShell(this.dir, (l) => this.log(l));
    live.add(this);
    // The hard bound, whatever the caller is waiting for: tear down from outside.
    this.watchdog = setTimeout(() => {
      this.log("time limit reached: tearing down");
      void this.destroy();
    }, this.deadline - Date.now());
    this.watchdog.unref();
    if (!hooked) {
      hooked = true;
      process.on("exit", () => {
        for (const sb of live) sb.destroySync();
      });
    }
  }

  /** The command's stdout (the victim shell writes nothing there itself). */
  stdout(): string {
    return this.victim.stdout();
  }

  /** The command's stderr (after the exec). */
  stderr(): string {
    return this.victim.afterExec();
  }

  /** What the victim shell printed before the exec (its fork errors). */
  victimLog(): string {
    return this.victim.beforeExec();
  }

  /** Send text to the command's stdin. */
  write(text: string): void {
    const sink = this.proc?.stdin;
    if (!sink) throw new Error("sandbox not started");
    sink.write(text);
    sink.flush();
  }

  closeStdin(): void {
    void this.proc?.stdin.end();
  }

  /** Threads of the command right now (/proc/<pid>/task), undefined once it is gone. */
  threads(): number | undefined {
    return threadCount(this.victimPid);
  }

  /** Refused task creations counted in the victim's own cgroup (pids.events max). */
  victimEvents(): number {
    return this.cgroup.events("victim");
  }

  /** Refused task creations by the command since its exec (the victim cgroup holds only it). */
  forkAttempts(): number {
    return this.victimEvents() - this.victimEventsAtExec;
  }

  /** pids.events max of the whole sandbox (the bomb hits it all the time in cgroup mode). */
  sandboxEvents(): number {
    return this.cgroup.events();
  }

  pidsCurrent(): number {
    return this.cgroup.current();
  }

  /** Set pids.max of the victim's cgroup (1 = any thread the command tries is refused and counted). */
  limitVictim(max: number | "max"): void {
    this.cgroup.setMax("victim", max);
  }

  /** Lines sbinit wrote ("pid_max 1000 ok", "victim 2", "extra 3", "bomb 4", "victim-exit 0" ...). */
  status(): string[] {
    return readStatus(this.dir);
  }

  /** The bomb's PID inside the namespace (its first process; with bombPrefix ["setsid"] also its session id). */
  bombNsPid(): number | undefined {
    return nsPidFromStatus(this.status(), "bomb")[0];
  }

  /** The bystanders (opts.extras): PID inside the namespace and outside, in start order. */
  extras(): Array<{ nsPid: number; pid: number | undefined }> {
    const outer = new Map<number, number>();
    for (const p of this.cgroup.procs("init")) {
      const ns = nsPidsOf(p).at(-1);
      if (ns !== undefined && p !== this.proc?.pid) outer.set(ns, p);
    }
    return nsPidFromStatus(this.status(), "extra").map((nsPid) => ({ nsPid, pid: outer.get(nsPid) }));
  }

  /** Wall-clock ms (epoch) at which the victim shell ran `exec` (bash's $EPOCHREALTIME right before it). */
  execEpochMs(): number | undefined {
    return this.victim.execStamp();
  }

  /** The command's exit, or undefined if it has not exited within `timeoutMs`. */
  async waitExit(timeoutMs = 60_000): Promise<ExitStatus | undefined> {
    const end = Math.min(Date.now() + timeoutMs, this.deadline);
    for (;;) {
      const st = exitOf(this.status());
      if (st !== undefined) return st;
      if (Date.now() > end) return undefined;
      await Bun.sleep(25);
    }
  }

  /** Kill the namespace from outside, empty and remove the cgroup, remove the files. Idempotent. */
  destroy(): Promise<CleanupReport> {
    this.destroyed ??= (async () => {
      const t0 = Date.now();
      this.killInit();
      if (this.proc) await Promise.race([this.proc.exited, Bun.sleep(10_000)]);
      return this.finishCleanup(t0);
    })();
    return this.destroyed;
  }

  /** Synchronous teardown for exit hooks. */
  destroySync(): CleanupReport {
    if (this.cleanup) return this.cleanup;
    const t0 = Date.now();
    this.killInit();
    const end = Date.now() + 10_000;
    while (this.proc && !isDeadOrZombie(this.proc.pid) && Date.now() < end) Bun.sleepSync(20);
    return this.finishCleanup(t0);
  }

  /** @internal: the phases; called by startSandbox(). */
  async start(): Promise<void> {
    const t0 = Date.now();
    this.spawn();
    await this.waitReady();
    this.timings.setupMs = Date.now() - t0;
    if ((this.opts.bomb ?? "forkbomb") !== "none") {
      const t1 = Date.now();
      this.victim.go();
      await this.waitFull(t1);
      this.timings.fillMs = Date.now() - t1;
    }
    const t2 = Date.now();
    const check = await this.victim.checkFork(this.victimPid, (pid) => this.cgroup.owns(pid), this.phaseEnd(this.opts.execTimeoutMs ?? 30_000));
    this.victimCouldFork = check.forked;
    this.victimSawEagain = check.sawEagain;
    this.timings.checkMs = Date.now() - t2;
    this.victimEventsAtExec = this.victimEvents();
    const t3 = Date.now();
    if (this.opts.shellScript !== undefined) {
      this.victim.runScript(this.opts.shellScript);
      this.tasksAtExec = this.cgroup.current();
      this.log("the starved shell runs the script itself");
      return;
    }
    const wanted = this.opts.commandFor?.(this) ?? this.opts.command;
    const [file, ...rest] = wanted;
    if (file === undefined) throw new Error("empty command");
    // In nproc mode the command runs as the test user: make sure it can read and run it.
    const command = file.startsWith("/") ? [this.accessible(file), ...rest] : wanted;
    await this.victim.exec(command, this.opts.env ?? {}, this.victimPid, this.phaseEnd(this.opts.execTimeoutMs ?? 20_000));
    this.tasksAtExec = this.cgroup.current();
    this.timings.execMs = Date.now() - t3;
    this.log(`exec'd ${wanted.join(" ")} as pid ${this.victimPid}`);
  }

  private spawn(): void {
    const d = this.dir;
    const sbinitArgs = ["-s", `${d}/status`, "-t", String(Math.ceil((this.deadline - Date.now()) / 1000) + 15)];
    if (this.pidMax !== undefined) sbinitArgs.push("-p", String(this.pidMax));
    sbinitArgs.push("-V", this.cgroup.procsFile("victim"), "-B", this.cgroup.procsFile("bomb"));
    const bomb = this.opts.bomb ?? "forkbomb";
    for (const x of this.opts.extras ?? []) sbinitArgs.push("-x", `exec ${x.map(shq).join(" ")}`);
    if (bomb !== "none") sbinitArgs.push("-w", this.victim.goFile, "-b", this.bombCommand(bomb));
    if (this.user) sbinitArgs.push("-u", String(this.user.uid), "-g", String(this.user.gid));
    if (this.nproc !== undefined) sbinitArgs.push("-n", String(this.nproc));
    if (this.opts.keepAfterExit) sbinitArgs.push("-k");
    const argv = [
      "/bin/sh",
      "-c",
      'echo $$ > "$0" && exec "$@"', // join the cgroup, then become unshare: no fork
      this.cgroup.procsFile("init"),
      "unshare",
      "--pid",
      "--fork",
      "--mount-proc",
      "--kill-child",
      SBINIT, // runs as root
      ...sbinitArgs,
      "--",
      "/bin/bash",
      "--norc",
      "--noprofile",
      "-i",
    ];
    const out = openSync(this.victim.outFile, "w");
    const err = openSync(this.victim.errFile, "w");
    try {
      this.proc = Bun.spawn(argv, { stdin: "pipe", stdout: out, stderr: err, env: this.baseEnv(), cwd: d });
    } finally {
      closeSync(out);
      closeSync(err);
    }
    this.victim.attach((text) => this.write(text));
    this.log(`sandbox ${this.mode} in ${this.cgroup.path} (pids.max ${this.pidsMax}${this.pidMax ? `, pid_max ${this.pidMax}` : ""}${this.nproc ? `, RLIMIT_NPROC ${this.nproc} as uid ${this.user?.uid}` : ""})`);
  }

  private async waitReady(): Promise<void> {
    const nsPid = await this.victim.waitReady(this.phaseEnd(15_000), () => this.earlyExit());
    const end = this.phaseEnd(5_000);
    for (;;) {
      const victims = this.cgroup.procs("victim");
      const init = this.cgroup.procs("init").find((p) => p !== this.proc?.pid && nsPidsOf(p).at(-1) === 1);
      if (victims.length === 1 && victims[0] !== undefined && init !== undefined) {
        if (nsPidsOf(victims[0]).at(-1) !== nsPid) throw new Error(`victim pid mismatch: ${victims[0]} is not ns pid ${nsPid}`);
        this.victimPid = victims[0];
        this.initPid = init;
        return;
      }
      if (Date.now() > end) throw new Error(`cannot find the victim (${victims.join(",")}) or init in ${this.cgroup.path}`);
      await Bun.sleep(10);
    }
  }

  private async waitFull(start: number): Promise<void> {
    const end = Math.min(start + (this.opts.fillTimeoutMs ?? 60_000), this.deadline);
    let last = -1;
    let lastChange = Date.now();
    for (;;) {
      this.earlyExit();
      const cur = this.cgroup.current();
      const count = this.fillCount(cur);
      if (count.full) {
        this.fullBy = "count";
        break;
      }
      if (cur !== last) {
        last = cur;
        lastChange = Date.now();
      } else if (Date.now() - lastChange > 1500 && Date.now() - start > 2000 && cur > 3) {
        this.fullBy = "stall"; // nothing grew for 1.5 s: whatever limit applies is reached
        break;
      }
      if (Date.now() > end) throw new Error(`bomb did not fill the sandbox in time (${count.have}/${count.want})`);
      await Bun.sleep(20);
    }
    this.tasksAtFull = this.cgroup.current();
    this.log(`full (${this.fullBy}) at ${this.tasksAtFull} tasks after ${Date.now() - start} ms`);
  }

  /** How many tasks count against the limit of this mode, and how many make it full. */
  private fillCount(current: number): { have: number; want: number; full: boolean } {
    let have: number;
    let want: number;
    if (this.mode === "pidmax") {
      have = current - 1; // everything but unshare is in the namespace
      want = (this.pidMax ?? 0) - 1; // PIDs 1 .. pid_max-1
    } else if (this.mode === "nproc") {
      have = this.cgroup.tasks("victim").length + this.cgroup.tasks("bomb").length;
      want = this.nproc ?? 0;
    } else {
      have = current;
      want = this.pidsMax;
    }
    return { have, want, full: have >= want };
  }

  private bombCommand(bomb: BombName): string {
    const path = bomb === "forkbomb" ? FORKBOMB : `${BOMBS_DIR}/${bomb}`;
    const args = this.opts.bombArgs ?? [];
    if (bomb !== "forkbomb") {
      // The scripts source guard.bash next to them: copy both if the user cannot read them.
      this.accessible(`${BOMBS_DIR}/guard.bash`, false);
    }
    return `exec ${[...(this.opts.bombPrefix ?? []), this.accessible(path), ...args].map(shq).join(" ")}`;
  }

  /** `path`, or a copy in the sandbox dir when the test user could not use it. */
  private accessible(path: string, execute = true): string {
    if (!this.user || othersCanUse(path, execute)) return path;
    const copy = `${this.dir}/${path.slice(path.lastIndexOf("/") + 1)}`;
    copyFileSync(path, copy);
    chmodSync(copy, execute ? 0o755 : 0o644);
    return copy;
  }

  private baseEnv(): Record<string, string> {
    return {
      PATH: "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
      HOME: this.dir,
      LANG: "C.UTF-8",
      TERM: "dumb",
      PIDRESCUE_SANDBOX: "1",
      PIDRESCUE_BOMB_SECONDS: String(Math.ceil((this.deadline - Date.now()) / 1000) + 10),
    };
  }

  /** Throws when the sandbox ended before the command ran (sbinit refused, victim died). */
  private earlyExit(): void {
    const st = exitOf(this.status());
    const code = this.proc?.exitCode;
    if (st !== undefined || (code !== null && code !== undefined)) {
      throw new Error(`sandbox ended early (status: ${this.status().join("; ")}; unshare exit ${code}): ${this.victim.beforeExec().slice(-800)}`);
    }
    if (Date.now() > this.deadline) throw new Error("sandbox time limit reached");
  }

  private phaseEnd(ms: number): number {
    return Math.min(Date.now() + ms, this.deadline);
  }

  private killInit(): void {
    if (this.initPid !== 0 && this.cgroup.owns(this.initPid) && nsPidsOf(this.initPid).at(-1) === 1) {
      try {
        process.kill(this.initPid, "SIGKILL"); // the kernel then kills the whole namespace
      } catch (e) {
        if (!isGone(e)) throw e;
      }
    }
    const pid = this.proc?.pid;
    if (pid !== undefined && this.initPid === 0 && !isDeadOrZombie(pid) && this.cgroup.owns(pid)) {
      this.proc?.kill("SIGKILL"); // no init found yet: unshare's --kill-child takes its child along
    }
  }

  private finishCleanup(t0: number): CleanupReport {
    clearTimeout(this.watchdog);
    const r = this.cgroup.remove(10_000);
    try {
      rmSync(this.dir, { recursive: true, force: true });
    } finally {
      live.delete(this);
    }
    this.cleanup = { leftover: r.leftover, cgroupRemoved: r.removed, ms: Date.now() - t0 };
    this.log(`cleaned up in ${this.cleanup.ms} ms (leftover ${r.leftover}, cgroup removed ${r.removed})`);
    return this.cleanup;
  }

  private log(line: string): void {
    this.opts.log?.(`[sandbox] ${line}`);
  }
}

/** PIDs of sbinit's status lines "<what> N", in order. */
function nsPidFromStatus(lines: readonly string[], what: string): number[] {
  const out: number[] = [];
  for (const l of lines) {
    const m = /^(\S+) (\d+)$/.exec(l);
    if (m?.[1] === what && m[2] !== undefined) out.push(Number(m[2]));
  }
  return out;
}

/** Files of sandboxes whose owner died without cleaning up (their cgroups go in cgroup.ts). */
function removeStaleDirs(): void {
  for (const name of readdirSync(tmpdir())) {
    if (!name.startsWith(DIR_PREFIX)) continue;
    const owner = Number(name.slice(DIR_PREFIX.length).split("-")[0]);
    if (!Number.isInteger(owner) || owner <= 0 || owner === process.pid || existsSync(`/proc/${owner}`)) continue;
    rmSync(`${tmpdir()}/${name}`, { recursive: true, force: true });
  }
}
