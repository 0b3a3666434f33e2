/**
 * Issue 2, "Must show": a scripted session of at least 60 s, with repeated
 * commands and heavy allocation, keeps the binary at exactly one thread
 * while the process table has zero free slots.
 *
 * The binary runs in script mode (no command word, commands on stdin), fed
 * one command at a time: `doctor --stress 5` (allocates heavily, forces GC,
 * re-reads /proc), `doctor`, `doctor --json`. From outside, the test reads
 * /proc/<pid>/task every 100 ms. The binary is the only task in its own pids
 * cgroup, whose pids.max is set to 1 after the exec: any thread it tried to
 * start would be refused there and counted in that cgroup's pids.events.
 */
import { afterAll, expect, test } from "bun:test";
import { BINARY } from "../helpers/paths.ts";
import { type Sandbox, destroyAllSandboxes, withSandbox } from "../helpers/sandbox.ts";
import { watchThreads } from "../helpers/watch.ts";

const SESSION_MS = 62_000;
const ROUND = ["doctor --stress 5", "doctor", "doctor --json"];

afterAll(destroyAllSandboxes);

test(
  "60 s session under zero free slots stays at one thread",
  async () => {
    await withSandbox(
      { command: [BINARY], mode: "cgroup", pidsMax: 200, bomb: "forkbomb", bombArgs: ["-b", "100000"], timeoutMs: 160_000 },
      async (sb) => {
        expect(sb.victimCouldFork).toBe(false);
        sb.limitVictim(1);
        const watch = watchThreads(sb, 100);
        const t0 = Date.now();
        let commands = 0;
        while (Date.now() - t0 < SESSION_MS) {
          for (const cmd of ROUND) {
            await runCommand(sb, cmd);
            commands++;
          }
          // The bomb still holds every slot.
          expect(sb.pidsCurrent()).toBe(sb.pidsMax);
        }
        sb.closeStdin(); // end of the script
        const st = await sb.waitExit(30_000);
        const w = watch.stop();
        expect(st).toEqual({ code: 0, signal: null });
        expect(w.spanMs).toBeGreaterThanOrEqual(60_000);
        expect(w.samples).toBeGreaterThan(400);
        expect(w.anomalies).toEqual([]);
        expect(w.max).toBe(1);
        expect(sb.forkAttempts()).toBe(0);
        const out = sb.stdout();
        const ticks = [...out.matchAll(/^stress \d+s threads (\d+) /gm)].map((m) => Number(m[1]));
        expect(ticks.length).toBeGreaterThanOrEqual(50);
        expect(ticks.every((t) => t === 1)).toBe(true);
        expect(commands).toBeGreaterThanOrEqual(30);
        expect(sb.stderr()).not.toMatch(/panic|abort|Resource temporarily unavailable/);
      },
    );
  },
  200_000,
);

/** Send one command and wait until its output is complete (bounded). */
async function runCommand(sb: Sandbox, cmd: string): Promise<void> {
  const before = countDone(sb.stdout());
  sb.write(`${cmd}\n`);
  const end = Date.now() + 30_000;
  while (countDone(sb.stdout()) <= before) {
    if (Date.now() > end) throw new Error(`no output for '${cmd}': ${sb.stdout().slice(-300)} ${sb.stderr().slice(-300)}`);
    if ((await sb.waitExit(0)) !== undefined) throw new Error(`binary exited during '${cmd}': ${sb.stderr().slice(-500)}`);
    await Bun.sleep(20);
  }
}

/** Complete doctor outputs in stdout: the text report ends with "own cgroup", --json is one line. */
function countDone(out: string): number {
  return [...out.matchAll(/^own cgroup |^\{"pidrescue":1,"command":"doctor"/gm)].length;
}
