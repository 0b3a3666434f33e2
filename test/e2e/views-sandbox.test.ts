/**
 * Issue 3, "Must show", in the starvation sandbox (test/helpers/sandbox.ts:
 * own PID namespace + capped pids cgroup, bounded in time, torn down from
 * outside), from the compiled binary exec'd by a shell that cannot fork:
 *  - the summary puts a 500-process bomb on top with zero free slots;
 *  - `limits` names the right limit in three sandboxes: the namespace's
 *    pid_max, the pids cgroup, RLIMIT_NPROC.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { BINARY } from "../helpers/paths.ts";
import { type Sandbox, type SandboxOptions, destroyAllSandboxes, withSandbox } from "../helpers/sandbox.ts";
import { sandboxSupport, sandboxUnavailable } from "../helpers/support.ts";
import { watchThreads } from "../helpers/watch.ts";

afterAll(destroyAllSandboxes);

const why = sandboxUnavailable();
const T = 200_000;

/** The sandbox seen from outside while the command runs (the namespace ends when it exits). */
interface Seen {
  pidsCurrent: number;
  /** Tasks of the bomb (rogue.sh keeps every slot it has once the table is full). */
  bomb: number;
}

/** Run `args` as the starved shell's exec; check the shell really could not fork; hand stdout to `check`. */
async function starved(args: string[], o: Omit<SandboxOptions, "command">, check: (out: string, seen: Seen, sb: Sandbox) => void): Promise<void> {
  await withSandbox({ command: [BINARY, ...args], bomb: "rogue.sh", timeoutMs: 150_000, ...o }, async (sb) => {
    expect(sb.victimCouldFork).toBe(false);
    expect(sb.victimSawEagain).toBe(true);
    const seen: Seen = { pidsCurrent: sb.pidsCurrent(), bomb: sb.cgroup.tasks("bomb").length };
    const watch = watchThreads(sb, 50);
    const st = await sb.waitExit(90_000);
    const w = watch.stop();
    expect({ exit: st, stderr: sb.stderr() }).toEqual({ exit: { code: 0, signal: null }, stderr: expect.any(String) });
    expect(w.max).toBeLessThanOrEqual(1);
    check(sb.stdout(), seen, sb);
  });
}

describe.skipIf(why !== undefined)(`views with zero free slots${why ? ` (skipped: ${why})` : ""}`, () => {
  test(
    "ps: the 500-process bomb is the first group of the summary, on one screen",
    async () => {
      // cgroup mode: the cap (505) is what runs out; unshare, the namespace's init and pidrescue take 3 of it.
      await starved(["ps"], { mode: "cgroup", pidsMax: 505, env: { COLUMNS: "160" } }, (out, seen, sb) => {
        expect(seen.pidsCurrent).toBe(505);
        const bomb = seen.bomb;
        expect(bomb).toBeGreaterThanOrEqual(500);
        const lines = out.trimEnd().split("\n");
        expect(lines.length).toBeLessThanOrEqual(22); // 24-line default screen, two lines spare
        expect(lines[0]).toMatch(/^[\d,]+ processes, [\d,]+ tasks, pid_max /);
        expect(lines[1]).toMatch(/^COUNT NAME +STATES/);
        for (const l of lines) expect(l.length).toBeLessThanOrEqual(160);
        // The whole bomb, counted right: the bomb never frees a slot once full.
        expect(lines[2]).toMatch(new RegExp(`^ *${bomb.toLocaleString("en-US")} rogue\\.sh +R?\\d* ?S`));
        expect(lines[2]).toContain(`${sb.cgroup.rel}/bomb`);
      });
    },
    T,
  );

  test(
    "limits: the PID namespace's pid_max",
    async () => {
      await starved(["limits"], { mode: "pidmax", pidMax: 1000 }, (out, seen) => {
        const first = out.split("\n")[0]!;
        expect(first).toMatch(/^the PID namespace is at its pid_max: [\d,]+ of 1,000 PIDs in use.*, [\d,]+ of them `rogue\.sh`$/);
        expect(first).toContain(`, ${seen.bomb} of them`);
        expect(out).toMatch(/^pid_max \(own PID namespace\) .* FULL /m);
      });
    },
    T,
  );

  test(
    "limits: the sandbox's pids cgroup",
    async () => {
      await starved(["limits"], { mode: "cgroup", pidsMax: 300 }, (out, seen, sb) => {
        const first = out.split("\n")[0]!;
        expect(first).toMatch(new RegExp(`^cgroup ${sb.cgroup.rel} is at its pids\\.max 300/300, [\\d,]+ of them \`rogue\\.sh\` of uid 0$`));
        const share = Number(/, ([\d,]+) of them/.exec(first)![1]!.replaceAll(",", ""));
        expect(share).toBe(seen.bomb);
      });
    },
    T,
  );

  test(
    "limits: RLIMIT_NPROC of the test user",
    async () => {
      await starved(["limits"], { mode: "nproc", nproc: 60 }, (out, seen) => {
        const uid = sandboxSupport().testUser?.uid;
        expect(out.split("\n")[0]).toBe(`uid ${uid} is at RLIMIT_NPROC 60/60, ${seen.bomb} of them \`rogue.sh\``);
      });
    },
    T,
  );
});
