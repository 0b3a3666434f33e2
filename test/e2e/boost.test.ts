/**
 * Issue 6, "Must show", in the starvation sandbox (every slot held by a
 * bomb, the starved shell `exec`s the compiled binary):
 *   - the boosted rescue really runs at SCHED_FIFO 10 (read from outside,
 *     /proc/PID/stat, while the freeze engine waits on
 *     PIDRESCUE_TEST_PAUSE_FILE right before its first per-PID SIGSTOP);
 *   - a shell handed over afterwards runs at SCHED_OTHER, nice 0;
 *   - every boot path survives zero free slots: boosted (stage 1, stage 2,
 *     chrt, stage 3), `exec chrt -f 10 pidrescue`, --no-boost, chrt missing
 *     (PIDRESCUE_TEST_NO_CHRT=1), chrt that would be refused (a v1 cpu cgroup
 *     with cpu.rt_runtime_us 0, where a real chrt is refused), and a user
 *     without CAP_SYS_NICE or RLIMIT_RTPRIO; the fallbacks say so once and
 *     carry on. The binary is the only task of its pids cgroup with pids.max
 *     1 from before the exec: any thread or process it asked for would be
 *     refused and counted (pids.events), and it must stay at one thread.
 * And outside any sandbox, in a terminal: the REPL drops to SCHED_OTHER
 * while it waits for input, goes back to SCHED_FIFO for a signalling line
 * with its session intact, and hands over a SCHED_OTHER shell.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, rmdirSync, rmSync, writeFileSync } from "node:fs";
import { setPriority, tmpdir } from "node:os";
import { BENCH_BIN, BINARY, shq } from "../helpers/paths.ts";
import { census } from "../helpers/rescue-run.ts";
import { type Sandbox, type SandboxOptions, destroyAllSandboxes, exitOf, withSandbox } from "../helpers/sandbox.ts";
import { sandboxSupport } from "../helpers/support.ts";
import { Tmux } from "../helpers/tmux.ts";
import { watchThreads } from "../helpers/watch.ts";

const dir = mkdtempSync(`${tmpdir()}/pidrescue-boost-test-`);
chmodSync(dir, 0o1777); // the unprivileged test user writes its journal and pause files here too
afterAll(async () => {
  await destroyAllSandboxes();
  rmSync(dir, { recursive: true, force: true });
});

const T = 150_000;
const CHRT = "/usr/bin/chrt";
const NICE = "/usr/bin/nice";
let serial = 0;

interface Sched {
  policy: number;
  rtprio: number;
  nice: number;
  exe: string | undefined;
}

/** Scheduling facts of a host PID from /proc/PID/stat (fields 19, 40, 41). */
function schedOf(pid: number): Sched {
  const s = readFileSync(`/proc/${pid}/stat`, "latin1");
  const f = s.slice(s.lastIndexOf(")") + 2).split(" ");
  let exe: string | undefined;
  try {
    exe = readlinkSync(`/proc/${pid}/exe`);
  } catch {
    exe = undefined; // between images
  }
  return { nice: Number(f[19 - 3]), rtprio: Number(f[40 - 3]), policy: Number(f[41 - 3]), exe };
}

async function until<T>(what: string, fn: () => T | undefined, ms = 60_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = fn();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await Bun.sleep(20);
  }
}

/** Wait for the freeze engine's pause; fail at once if the binary exits first (e.g. a refused chrt). */
async function untilPaused(sb: Sandbox, pause: string): Promise<void> {
  const end = Date.now() + 60_000;
  while (!existsSync(`${pause}.waiting`)) {
    const st = exitOf(sb.status());
    if (st !== undefined) throw new Error(`exited (${JSON.stringify(st)}) before the pause: ${sb.stderr().slice(-500)}`);
    if (Date.now() > end) throw new Error("timed out waiting for the freeze engine's pause");
    await Bun.sleep(20);
  }
}

interface PausedRun {
  /** Scheduling of the binary while the freeze engine waited (just before the first per-PID SIGSTOP). */
  atPause: Sched;
  environ: string;
  stderr: string;
  stdout: string;
  exit: { code: number; signal: number | null } | undefined;
  live: number;
  forkAttempts: number;
  maxThreads: number;
  threadAnomalies: unknown[];
}

/**
 * Start a sandbox (C bomb backing off 20 ms, pids cgroup full), set the
 * victim's own pids.max to 1, exec `command`, wait for the pause, read the
 * scheduling from outside, let it finish.
 */
async function pausedRescue(command: string[], extra: Partial<SandboxOptions> = {}, before?: (sb: Sandbox) => void): Promise<PausedRun> {
  const pause = `${dir}/pause-${serial++}`;
  const opts: SandboxOptions = {
    command,
    commandFor: (sb) => {
      before?.(sb);
      sb.limitVictim(1); // from here on, any task the binary asks for is refused and counted
      return command;
    },
    mode: "cgroup",
    pidsMax: 300,
    bomb: "forkbomb",
    bombArgs: ["-b", "20000"],
    keepAfterExit: true,
    timeoutMs: 120_000,
    ...extra,
    env: { PIDRESCUE_TEST_PAUSE_FILE: pause, ...(extra.env ?? {}) },
  };
  return withSandbox(opts, async (sb) => {
    expect(sb.victimCouldFork).toBe(false);
    const watch = watchThreads(sb, 50);
    await untilPaused(sb, pause);
    const atPause = schedOf(sb.victimPid);
    const environ = readFileSync(`/proc/${sb.victimPid}/environ`, "latin1");
    writeFileSync(pause, "");
    const exit = await sb.waitExit(60_000);
    const w = watch.stop();
    return {
      atPause,
      environ,
      stderr: sb.stderr(),
      stdout: sb.stdout(),
      exit,
      live: census(sb).live,
      forkAttempts: sb.forkAttempts(),
      maxThreads: w.max,
      threadAnomalies: w.anomalies,
    };
  });
}

/** What every run must show: rescued, no task asked for, one thread. */
function expectSurvived(r: PausedRun): void {
  expect({ exit: r.exit, stderr: r.stderr }).toEqual({ exit: { code: 0, signal: null }, stderr: expect.any(String) });
  expect(r.stdout).toContain("rescue done");
  expect(r.live).toBe(0);
  expect(r.forkAttempts).toBe(0);
  expect(r.maxThreads).toBe(1);
  expect(r.threadAnomalies).toEqual([]);
  expect(r.stderr).not.toMatch(/panic|abort\(\)/);
}

const priorityNotes = (stderr: string): string[] => stderr.split("\n").filter((l) => l.includes("priority: no SCHED_FIFO"));

const rescueArgs = (): string[] => ["rescue", "name=forkbomb", "--yes", "--journal", `${dir}/journal-${serial++}.log`];

describe("priority in the starvation sandbox", () => {
  test(
    "the plain form is boosted: SCHED_FIFO 10 and nice -20 during the rescue, under zero free slots",
    async () => {
      const r = await pausedRescue([BINARY, ...rescueArgs()]);
      expect(r.atPause).toMatchObject({ policy: 1, rtprio: 10, nice: -20, exe: BINARY });
      // It went through the chrt hop (stage 2 exec'd chrt): the boot trace has both stages.
      expect(r.environ).toContain("\0PIDRESCUE_BOOST=fifo:10\0");
      expect(r.environ).toMatch(/\0PIDRESCUE_BOOT_TRACE=s1=\d+,s2=\d+\0/);
      expect(r.stdout).toContain("priority SCHED_FIFO 10, nice -20");
      expect(priorityNotes(r.stderr)).toEqual([]);
      expectSurvived(r);
    },
    T,
  );

  test(
    "`exec chrt -f 10 pidrescue`: real-time from the first instruction, no second hop",
    async () => {
      const r = await pausedRescue([CHRT, "-f", "10", BINARY, ...rescueArgs()]);
      expect(r.atPause).toMatchObject({ policy: 1, rtprio: 10, nice: -20, exe: BINARY });
      expect(r.environ).not.toContain("PIDRESCUE_BOOST=");
      expect(r.environ).toMatch(/\0PIDRESCUE_BOOT_TRACE=s1=\d+\0/);
      expect(priorityNotes(r.stderr)).toEqual([]);
      expectSurvived(r);
    },
    T,
  );

  test(
    "`exec nice -n -20 pidrescue`: nice -20 before the runtime starts, then boosted as usual",
    async () => {
      const r = await pausedRescue([NICE, "-n", "-20", BINARY, ...rescueArgs()]);
      expect(r.atPause).toMatchObject({ policy: 1, rtprio: 10, nice: -20, exe: BINARY });
      expect(r.environ).toContain("\0PIDRESCUE_BOOST=fifo:10\0");
      expectSurvived(r);
    },
    T,
  );

  test(
    "--no-boost keeps the inherited policy and nice",
    async () => {
      const r = await pausedRescue([BINARY, ...rescueArgs(), "--no-boost"]);
      expect(r.atPause).toMatchObject({ policy: 0, rtprio: 0, nice: 0, exe: BINARY });
      expect(priorityNotes(r.stderr)).toEqual([]);
      expectSurvived(r);
    },
    T,
  );

  test(
    "chrt missing: nice -20, one line saying why, the rescue carries on",
    async () => {
      const r = await pausedRescue([BINARY, ...rescueArgs()], { env: { PIDRESCUE_TEST_NO_CHRT: "1" } });
      expect(r.atPause).toMatchObject({ policy: 0, nice: -20, exe: BINARY });
      expect(priorityNotes(r.stderr)).toEqual(["priority: no SCHED_FIFO (util-linux chrt not found); running at nice -20"]);
      expectSurvived(r);
    },
    T,
  );

  const cpuV1 = "/sys/fs/cgroup/cpu";
  test.skipIf(!existsSync(`${cpuV1}/cpu.rt_runtime_us`))(
    "chrt would be refused (v1 cpu cgroup with cpu.rt_runtime_us 0): not tried, one line, carries on",
    async () => {
      const cg = `${cpuV1}/pidrescue-boost-test-${process.pid}`;
      mkdirSync(cg);
      try {
        writeFileSync(`${cg}/cpu.rt_runtime_us`, "0");
        // The kernel really refuses SCHED_FIFO in this cgroup: a real chrt there fails.
        const probe = Bun.spawnSync(["/bin/sh", "-c", `echo $$ > ${shq(`${cg}/cgroup.procs`)} && exec ${CHRT} -f 10 /bin/true`], { stderr: "pipe" });
        expect(probe.exitCode).not.toBe(0);
        expect(probe.stderr.toString()).toContain("Operation not permitted");
        const r = await pausedRescue([BINARY, ...rescueArgs()], {}, (sb) => writeFileSync(`${cg}/cgroup.procs`, String(sb.victimPid)));
        expect(r.atPause).toMatchObject({ policy: 0, nice: -20, exe: BINARY });
        expect(priorityNotes(r.stderr)).toEqual(["priority: no SCHED_FIFO (this cpu cgroup has cpu.rt_runtime_us 0 (chrt would be refused)); running at nice -20"]);
        expectSurvived(r);
      } finally {
        await destroyAllSandboxes();
        rmdirSync(cg);
      }
    },
    T,
  );

  test.skipIf(sandboxSupport().testUser === undefined)(
    "a user without CAP_SYS_NICE or RLIMIT_RTPRIO: not tried, one line, carries on",
    async () => {
      const r = await pausedRescue([BINARY, ...rescueArgs()], { mode: "nproc", nproc: 60, pidsMax: undefined });
      expect(r.atPause).toMatchObject({ policy: 0, nice: 0, exe: BINARY });
      expect(priorityNotes(r.stderr)).toEqual(["priority: no SCHED_FIFO (no CAP_SYS_NICE and RLIMIT_RTPRIO 0 < 10); running at nice 0"]);
      expectSurvived(r);
    },
    T,
  );

  test.skipIf(sandboxSupport().testUser === undefined)(
    "the same user through `exec nice -n -20`: nice is refused, says so, and still execs pidrescue",
    async () => {
      const r = await pausedRescue([NICE, "-n", "-20", BINARY, ...rescueArgs()], { mode: "nproc", nproc: 60, pidsMax: undefined });
      expect(r.atPause).toMatchObject({ policy: 0, nice: 0, exe: BINARY });
      expect(r.stderr).toContain("nice: cannot set niceness: Permission denied");
      expectSurvived(r);
    },
    T,
  );

  test(
    "script mode: the rescue runs at SCHED_FIFO, then `shell` hands over a SCHED_OTHER shell at the admin's own nice",
    async () => {
      const pause = `${dir}/pause-${serial++}`;
      const journal = `${dir}/journal-${serial++}.log`;
      const command = [BINARY, "--journal", journal];
      const opts: SandboxOptions = {
        command,
        commandFor: (sb) => {
          setPriority(sb.victimPid, 5); // the admin's shell runs at nice 5
          return command;
        },
        mode: "cgroup",
        pidsMax: 300,
        bomb: "forkbomb",
        bombArgs: ["-b", "20000"],
        timeoutMs: 120_000,
        env: { PIDRESCUE_TEST_PAUSE_FILE: pause },
      };
      await withSandbox(opts, async (sb) => {
        sb.write("rescue name=forkbomb --yes\nshell\n");
        await untilPaused(sb, pause);
        expect(schedOf(sb.victimPid)).toMatchObject({ policy: 1, rtprio: 10, nice: -20, exe: BINARY });
        writeFileSync(pause, "");
        const shell = await until("the shell", () => {
          const s = schedOf(sb.victimPid);
          return s.exe === "/usr/bin/bash" || s.exe === "/bin/bash" ? s : undefined;
        });
        expect(sb.stdout()).toContain("rescue done");
        expect(shell).toMatchObject({ policy: 0, rtprio: 0, nice: 5 });
        // It is the shell itself (chrt -o 0 exec'd it), reading the rest of the script.
        sb.write(`read -r pid comm state rest < /proc/$$/stat; echo "shell $state $$"; exit 7\n`);
        expect(await sb.waitExit(30_000)).toEqual({ code: 7, signal: null });
        expect(sb.stdout()).toMatch(/^shell [RS] \d+$/m);
        expect(sb.stderr()).not.toContain("priority: no SCHED_FIFO");
      });
    },
    T,
  );
});

describe("the REPL on a terminal", () => {
  test(
    "drops to SCHED_OTHER while idle, back to SCHED_FIFO for a signalling line with its session, SCHED_OTHER shell",
    async () => {
      const named = Bun.spawn([`${BENCH_BIN}/named`, Buffer.from("boosttarget").toString("hex"), "120"], { stdout: "pipe" });
      await named.stdout.getReader().read();
      const t = new Tmux("boost");
      try {
        const pause = `${dir}/repl-pause`;
        t.start(`PIDRESCUE_TEST_IDLE_MS=1500 PIDRESCUE_TEST_PAUSE_FILE=${shq(pause)} ${shq(BINARY)} --journal ${shq(`${dir}/repl-journal.log`)}; echo "EXIT=$?"`, 100, 30);
        const banner = t.waitFor(/^pidrescue \S+ {2}pid (\d+),/m);
        const pid = Number(/pid (\d+),/.exec(banner)?.[1]);
        // Started like every rescue path: real-time.
        expect(schedOf(pid)).toMatchObject({ policy: 1, rtprio: 10, nice: -20 });
        // Nothing typed for 1.5 s: the same process, back at SCHED_OTHER (nice stays -20).
        const idle = await until("the idle drop", () => (schedOf(pid).policy === 0 ? schedOf(pid) : undefined), 20_000);
        expect(idle).toMatchObject({ policy: 0, rtprio: 0, nice: -20, exe: BINARY });
        const prompts = t.history().match(/^pidrescue> ?$/gm)?.length ?? 0;
        expect(prompts).toBe(1); // no second banner, no second prompt
        // A signalling line: boosted again first (seen while the freeze engine waits), and the session goes on.
        t.line("freeze name=boosttarget");
        await until("the freeze engine's pause", () => (existsSync(`${pause}.waiting`) ? true : undefined), 20_000);
        expect(schedOf(pid)).toMatchObject({ policy: 1, rtprio: 10, nice: -20, exe: BINARY });
        writeFileSync(pause, "");
        t.waitFor(/^pidrescue \[1 stopped\]> ?$/m);
        // The frozen set crossed the drop: idle again, then thaw finds it.
        await until("the second idle drop", () => (schedOf(pid).policy === 0 ? true : undefined), 20_000);
        t.line("thaw name=boosttarget");
        t.waitFor(/^continued 1 process/m);
        t.waitFor(/^pidrescue> ?$/m, 10_000);
        t.line("shell /bin/bash");
        await until("the shell", () => (schedOf(pid).exe === "/usr/bin/bash" ? true : undefined), 20_000);
        expect(schedOf(pid)).toMatchObject({ policy: 0, nice: 0 });
        t.line("exit 3");
        t.waitFor(/^EXIT=3$/m);
      } finally {
        t.kill();
        named.kill();
      }
    },
    T,
  );
});
