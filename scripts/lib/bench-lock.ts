/**
 * The machine-wide benchmark lock (/tmp/pidrescue-bench.lock): every
 * measured run holds it, so benchmarks of different helpers on these two
 * CPUs do not overlap. Taken through util-linux `flock` in a child process
 * that holds it until we close its stdin (or die: the pipe closes, the child
 * exits, the lock is released).
 */
import type { Subprocess } from "bun";

export const BENCH_LOCK = "/tmp/pidrescue-bench.lock";

export interface HeldLock {
  /** How long we waited for it (ms). */
  waitedMs: number;
  release(): Promise<void>;
}

export async function takeBenchLock(path = BENCH_LOCK): Promise<HeldLock> {
  const t0 = Date.now();
  const child: Subprocess<"pipe", "pipe", "inherit"> = Bun.spawn(["flock", path, "sh", "-c", "echo locked; exec cat > /dev/null"], {
    stdin: "pipe",
    stdout: "pipe",
    stderr: "inherit",
  });
  const reader = child.stdout.getReader();
  let seen = "";
  while (!seen.includes("locked")) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`flock ${path} exited (${await child.exited}) without taking the lock`);
    seen += new TextDecoder().decode(value);
  }
  reader.releaseLock();
  return {
    waitedMs: Date.now() - t0,
    release: async () => {
      await child.stdin.end();
      await child.exited;
    },
  };
}

/** Run `fn` while holding the lock. */
export async function withBenchLock<T>(fn: (waitedMs: number) => Promise<T>): Promise<T> {
  const lock = await takeBenchLock();
  try {
    return await fn(lock.waitedMs);
  } finally {
    await lock.release();
  }
}
