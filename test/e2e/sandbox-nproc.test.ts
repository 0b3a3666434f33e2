/**
 * Issue 2, "Must show": the same survival under RLIMIT_NPROC exhaustion,
 * the other common cause of "fork: Resource temporarily unavailable". The
 * victim shell and the bomb run as the unprivileged test user (root is
 * exempt from RLIMIT_NPROC) with `ulimit -u 60`, which the bomb uses up;
 * still inside a PID namespace and a capped pids cgroup for safety.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { BINARY } from "../helpers/paths.ts";
import { destroyAllSandboxes, withSandbox } from "../helpers/sandbox.ts";
import { sandboxSupport } from "../helpers/support.ts";
import { watchThreads } from "../helpers/watch.ts";

const NPROC = 60;

interface DoctorJson {
  threads: number;
  uid: number;
  nproc: { soft: number | null; hard: number | null };
  runtime: { safeMode: boolean; strippedVars: string[] };
}

afterAll(destroyAllSandboxes);

describe("RLIMIT_NPROC used up by a non-root user", () => {
  for (const [name, env] of [
    ["plain environment", {}],
    ["with BUN_JSC_useJIT=1", { BUN_JSC_useJIT: "1" }],
  ] as Array<[string, Record<string, string>]>) {
    test(
      name,
      async () => {
        const user = sandboxSupport().testUser;
        expect(user).toBeDefined(); // made by scripts/test-setup.ts
        await withSandbox(
          { command: [BINARY, "doctor", "--json"], env, mode: "nproc", nproc: NPROC, bomb: "forkbomb", bombArgs: ["-b", "100000"], timeoutMs: 90_000 },
          async (sb) => {
            expect(sb.victimCouldFork).toBe(false);
            expect(sb.victimSawEagain).toBe(true);
            // The user's processes, not the cgroup, are what ran out.
            expect(sb.pidsCurrent()).toBeLessThan(sb.pidsMax);
            const watch = watchThreads(sb, 20);
            const st = await sb.waitExit(60_000);
            const w = watch.stop();
            expect({ exit: st, stderr: sb.stderr() }).toEqual({ exit: { code: 0, signal: null }, stderr: "" });
            const line = sb.stdout().split("\n").find((l) => l.startsWith('{"pidrescue":1,"command":"doctor"'));
            const r = JSON.parse(line ?? "{}") as DoctorJson;
            expect(r.uid).toBe(user?.uid ?? -1);
            expect(r.nproc).toEqual({ soft: NPROC, hard: NPROC });
            expect(r.threads).toBe(1);
            expect(r.runtime.safeMode).toBe(true);
            expect(r.runtime.strippedVars).toEqual(Object.keys(env));
            expect(w.max).toBeLessThanOrEqual(1);
          },
        );
      },
      100_000,
    );
  }
});
