/**
 * Issue 2, "Must show": in a sandbox with zero free process slots, a shell
 * that really cannot fork any more `exec`s the compiled binary, which starts,
 * prints the process summary and exits 0 with one thread throughout.
 * Every case runs in its own PID namespace plus a capped pids cgroup,
 * bounded in time, torn down from outside (test/helpers/sandbox.ts).
 */
import { afterAll, describe, expect, test } from "bun:test";
import { BINARY } from "../helpers/paths.ts";
import { type BombName, type SandboxMode, destroyAllSandboxes, withSandbox } from "../helpers/sandbox.ts";
import { watchThreads } from "../helpers/watch.ts";

// The process summary (the binary's main job). Its own thread count and
// runtime mode under zero free slots are checked with `doctor --json` in
// sandbox-hostile-env.test.ts and sandbox-nproc.test.ts.
export const SUMMARY_COMMAND = ["ps"];

interface Case {
  name: string;
  mode: SandboxMode;
  bomb: BombName;
  bombArgs?: string[];
  /** comm of the bomb's processes, as the summary must show it (none: random names). */
  comm?: string;
}

const CASES: Case[] = [
  // -b: back off 100 ms after a failed fork, so 1,000 spinners do not starve the 2 CPUs for minutes.
  { name: "pid_max 1000, C bomb (setsid, random names)", mode: "pidmax", bomb: "forkbomb", bombArgs: ["-s", "-r", "-b", "100000"] },
  { name: "pid_max 1000, rogue.sh", mode: "pidmax", bomb: "rogue.sh", comm: "rogue.sh" },
  // Churns (every call returns); PIDs below 300 are not reused after the wrap, so it stalls near 700.
  { name: "pid_max 1000, function bomb :(){ :|:& };:", mode: "pidmax", bomb: "funcbomb.sh", comm: "funcbomb.sh" },
  { name: "pids cgroup full (fallback mode), rogue.sh", mode: "cgroup", bomb: "rogue.sh", comm: "rogue.sh" },
  { name: "pids cgroup full (fallback mode), C bomb", mode: "cgroup", bomb: "forkbomb", bombArgs: ["-b", "100000"], comm: "forkbomb" },
];

afterAll(destroyAllSandboxes);

describe("zero free process slots", () => {
  for (const c of CASES) {
    test(
      c.name,
      async () => {
        const opts = { command: [BINARY, ...SUMMARY_COMMAND], mode: c.mode, bomb: c.bomb, bombArgs: c.bombArgs, timeoutMs: 100_000, keepAfterExit: true };
        await withSandbox(opts, async (sb) => {
          // The starved shell really could not fork, and saw EAGAIN doing so.
          expect(sb.victimCouldFork).toBe(false);
          expect(sb.victimSawEagain).toBe(true);
          expect(sb.victimLog()).toContain("fork: retry: Resource temporarily unavailable");
          // The table was still full when the binary started: the bomb keeps every slot it has.
          if (c.mode === "cgroup") expect(sb.tasksAtExec).toBe(sb.pidsMax);
          else expect(sb.tasksAtExec).toBeGreaterThanOrEqual(sb.tasksAtFull);
          const watch = watchThreads(sb, 50);
          const st = await sb.waitExit(60_000);
          const w = watch.stop();
          expect({ exit: st, stderr: sb.stderr() }).toEqual({ exit: { code: 0, signal: null }, stderr: expect.any(String) });
          // The summary names the bomb (it holds nearly every slot).
          if (c.comm !== undefined) expect(sb.stdout()).toContain(c.comm);
          expect(sb.stdout().length).toBeGreaterThan(0);
          // Seen from outside: never more than one thread.
          expect(w.samples).toBeGreaterThan(0);
          expect(w.max).toBe(1);
          expect(w.anomalies).toEqual([]);
          // In the victim's own cgroup only the binary lives: no refused task creation since the exec.
          expect(sb.forkAttempts()).toBe(0);
        });
      },
      120_000,
    );
  }
});
