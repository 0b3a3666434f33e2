/**
 * An idle process farm for benchmarks: bench/bin/sleepers as PID 1 of its
 * own PID namespace (unshare --pid --fork --mount-proc) inside a capped pids
 * cgroup, started and always torn down from outside. Commands run inside
 * it with nsenter (its mount namespace shows its own /proc).
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { SandboxCgroup } from "../../test/helpers/cgroup.ts";

export const BENCH_BIN = resolve(import.meta.dir, "../../bench/bin");

export interface FarmOptions {
  /** Idle processes to start. */
  n: number;
  /** Namespace pid_max and ns_last_pid to set before forking. */
  pidMax?: number;
  lastPid?: number;
  /** comm of the sleepers. */
  name?: string;
  /** Seconds before the farm ends by itself (a bound if we crash). */
  timeoutS?: number;
}

export interface Farm {
  /** Host PID of the namespace's init (the sleepers parent). */
  init: number;
  /** Sleepers actually started (fork can fail if the host is short of PIDs). */
  started: number;
  cg: SandboxCgroup;
  /** argv prefix to run a command inside the farm's namespaces. */
  enter: string[];
  stop(): void;
}

export async function startFarm(o: FarmOptions): Promise<Farm> {
  const cg = SandboxCgroup.create(o.n + 64);
  const env: Record<string, string> = { ...(process.env as Record<string, string>) };
  if (o.pidMax !== undefined) env.SLEEPERS_PID_MAX = String(o.pidMax);
  if (o.lastPid !== undefined) env.SLEEPERS_LAST_PID = String(o.lastPid);
  const script = `echo $$ > ${cg.procsFile("init")} && exec unshare --pid --fork --mount-proc ${BENCH_BIN}/sleepers ${o.n} ${o.timeoutS ?? 900} ${o.name ?? "sleeper"}`;
  const proc = Bun.spawn(["sh", "-c", script], { stdout: "pipe", stderr: "inherit", env });
  let stopped = false;
  const farm: Farm = {
    init: -1,
    started: 0,
    cg,
    enter: [],
    stop(): void {
      if (stopped) return;
      stopped = true;
      // Everything we started is in cg; remove() SIGKILLs what it holds and deletes it.
      const r = cg.remove(30_000);
      if (!r.removed) console.error(`farm: could not remove ${cg.path} (${r.leftover} tasks left)`);
      proc.kill("SIGKILL");
    },
  };
  try {
    const line = await firstLine(proc.stdout, 300_000);
    const m = /^ready (\d+)/.exec(line);
    if (m === null) throw new Error(`sleepers said: ${line}`);
    farm.started = Number(m[1]);
    farm.init = Number(readFileSync(`/proc/${proc.pid}/task/${proc.pid}/children`, "utf8").trim().split(" ")[0]);
    if (!(farm.init > 0) || !cg.owns(farm.init)) throw new Error("cannot find the farm's init");
    farm.enter = ["nsenter", "-t", String(farm.init), "-m", "-p", "--"];
    return farm;
  } catch (e) {
    farm.stop();
    throw e;
  }
}

async function firstLine(stream: ReadableStream<Uint8Array>, timeoutMs: number): Promise<string> {
  const reader = stream.getReader();
  let text = "";
  const timer = setTimeout(() => void reader.cancel(), timeoutMs);
  try {
    while (!text.includes("\n")) {
      const { value, done } = await reader.read();
      if (done) throw new Error(`farm ended before ready: ${text}`);
      text += Buffer.from(value).toString();
    }
  } finally {
    clearTimeout(timer);
    reader.releaseLock();
  }
  return text.slice(0, text.indexOf("\n"));
}
