/**
 * Idle start-up CPU (bench-startup.ts): how much CPU pidrescue burns from
 * its exec to its first SIGSTOP, all images of the PID together (stage 1,
 * stage 2, chrt and the boosted image). Under contention, wall time is
 * roughly this CPU multiplied by the number of runnable processes, so it
 * is the figure to drive down.
 *
 * Runs inside a private PID namespace (the caller starts it with
 * `unshare --pid --fork --mount-proc`), so the table pidrescue scans holds
 * only this harness, `bystanders` idle processes and the target, whatever
 * else runs on the machine. Each run: start a target with a unique name,
 * run `rescue name=TARGET --yes` with PIDRESCUE_TEST_PAUSE_FILE (the freeze
 * engine then waits right before its per-PID sweeps, i.e. right before the
 * first SIGSTOP for this target, after creating FILE.waiting), read the
 * process's CPU time from /proc/<pid>/schedstat (ns, exact once it sleeps),
 * let it go on, and take user+sys of the whole run from wait4's rusage.
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";

export interface IdleVariant {
  label: string;
  /** argv before `rescue ...` (e.g. ["/usr/bin/chrt", "-f", "10", BIN]). */
  prefix: string[];
  /** after `rescue SEL --yes --journal J` (e.g. ["--no-boost"]). */
  suffix: string[];
}

export interface IdleResult {
  label: string;
  /** CPU ms exec -> pause (first SIGSTOP), one per run. */
  toFirstStop: number[];
  /** user+sys ms of the whole run. */
  whole: number[];
  user: number[];
  sys: number[];
  /** Wall ms exec -> pause. */
  wall: number[];
  failures: string[];
}

/** Share of CPU time idle (0..1) over the next `ms`, from /proc/stat. */
export async function idleShare(ms: number): Promise<number> {
  const read = (): [number, number] => {
    const f = (readFileSync("/proc/stat", "utf8").split("\n")[0] ?? "").trim().split(/\s+/).slice(1, 9).map(Number);
    return [f.reduce((a, b) => a + b, 0), (f[3] ?? 0) + (f[4] ?? 0)];
  };
  const [t1, i1] = read();
  await Bun.sleep(ms);
  const [t2, i2] = read();
  return t2 > t1 ? (i2 - i1) / (t2 - t1) : 0;
}

/** Wait (bounded) until the CPUs are at least `want` idle over 3 s; returns the last share seen. */
export async function waitForQuiet(want: number, limitMs: number): Promise<number> {
  const end = Date.now() + limitMs;
  for (;;) {
    const share = await idleShare(3000);
    if (share >= want || Date.now() > end) return share;
  }
}

const NAMED = `${import.meta.dir}/../../bench/bin/named`;
const SLEEPERS = `${import.meta.dir}/../../bench/bin/sleepers`;

/** Interleaved runs of every variant; call inside a PID namespace. */
export async function measureIdle(variants: IdleVariant[], runs: number, bystanders: number, work: string): Promise<IdleResult[]> {
  const farm = bystanders > 0 ? Bun.spawn([SLEEPERS, String(bystanders), "600", "idle"], { stdout: "pipe" }) : undefined;
  if (farm) await farm.stdout.getReader().read(); // "ready N"
  const results = variants.map((v) => ({ label: v.label, toFirstStop: [], whole: [], user: [], sys: [], wall: [], failures: [] }) as IdleResult);
  const name = `idletgt${process.pid % 1000}`;
  try {
    for (let i = 0; i < runs; i++) {
      for (const [k, v] of variants.entries()) await once(v, results[k]!, name, work);
    }
  } finally {
    farm?.kill();
  }
  return results;
}

async function once(v: IdleVariant, r: IdleResult, name: string, work: string): Promise<void> {
  const target = Bun.spawn([NAMED, Buffer.from(name).toString("hex"), "60"], { stdout: "pipe" });
  await target.stdout.getReader().read(); // "ready PID"
  const pause = `${work}/pause`;
  rmSync(pause, { force: true });
  rmSync(`${pause}.waiting`, { force: true });
  const argv = [...v.prefix, "rescue", `name=${name}`, "--yes", "--journal", `${work}/idle-journal.log`, ...v.suffix];
  const t0 = performance.now();
  const p = Bun.spawn(argv, {
    stdout: "pipe",
    stderr: "pipe",
    env: { PATH: "/usr/sbin:/usr/bin:/sbin:/bin", HOME: work, PIDRESCUE_TEST_PAUSE_FILE: pause },
  });
  let cpu = -1;
  while (p.exitCode === null) {
    if (existsSync(`${pause}.waiting`)) {
      r.wall.push(performance.now() - t0);
      await Bun.sleep(5); // let it reach its sleep, so schedstat is up to date
      cpu = Number(readFileSync(`/proc/${p.pid}/schedstat`, "latin1").split(" ")[0]) / 1e6;
      writeFileSync(pause, "");
      break;
    }
    await Bun.sleep(5); // not 1: the harness's own wake-ups would share the CPU with what it measures
  }
  await p.exited;
  target.kill();
  await target.exited;
  if (cpu < 0 || p.exitCode !== 0) {
    r.failures.push(`exit ${p.exitCode}: ${(await new Response(p.stderr).text()).slice(0, 300)}`);
    return;
  }
  r.toFirstStop.push(cpu);
  const ru = p.resourceUsage();
  if (ru) {
    const u = Number(ru.cpuTime.user) / 1000;
    const s = Number(ru.cpuTime.system) / 1000;
    r.user.push(u);
    r.sys.push(s);
    r.whole.push(u + s);
  }
}
