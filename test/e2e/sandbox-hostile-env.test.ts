/**
 * Issue 2, "Must show": the binary started with hostile runtime variables
 * in its environment (JIT back on, concurrent GC, more GC markers,
 * BUN_OPTIONS, NODE_OPTIONS) still survives zero free slots: stage 1
 * re-execs into the safe mode before anything starts a thread, and
 * `doctor --json` reports the safe mode and which variables it stripped.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { BINARY } from "../helpers/paths.ts";
import { destroyAllSandboxes, withSandbox } from "../helpers/sandbox.ts";
import { watchThreads } from "../helpers/watch.ts";

const HOSTILE: Record<string, string> = {
  BUN_JSC_useJIT: "1",
  BUN_JSC_useConcurrentGC: "1",
  BUN_JSC_numberOfGCMarkers: "4",
  BUN_OPTIONS: "--smol",
  NODE_OPTIONS: "--max-old-space-size=64",
};

const CASES: Array<[string, Record<string, string>]> = [
  ...Object.entries(HOSTILE).map(([k, v]): [string, Record<string, string>] => [`${k}=${v}`, { [k]: v }]),
  ["all of them at once", HOSTILE],
];

interface DoctorJson {
  threads: number;
  runtime: { safeMode: boolean; jit: boolean; concurrentGc: boolean; gcMarkers: string; compiled: boolean; strippedVars: string[] };
}

afterAll(destroyAllSandboxes);

describe("hostile environment, zero free slots", () => {
  for (const [name, env] of CASES) {
    test(
      name,
      async () => {
        await withSandbox(
          { command: [BINARY, "doctor", "--json"], env, mode: "auto", bomb: "forkbomb", bombArgs: ["-b", "100000"], timeoutMs: 90_000 },
          async (sb) => {
            expect(sb.victimCouldFork).toBe(false);
            const watch = watchThreads(sb, 20);
            const st = await sb.waitExit(60_000);
            const w = watch.stop();
            expect({ exit: st, stderr: sb.stderr() }).toEqual({ exit: { code: 0, signal: null }, stderr: "" });
            const line = sb.stdout().split("\n").find((l) => l.startsWith('{"pidrescue":1,"command":"doctor"'));
            expect(line).toBeDefined();
            const r = JSON.parse(line ?? "{}") as DoctorJson;
            expect(r.threads).toBe(1);
            expect(r.runtime).toMatchObject({ safeMode: true, jit: false, concurrentGc: false, gcMarkers: "1", compiled: true });
            expect(r.runtime.strippedVars).toEqual(Object.keys(env).sort());
            expect(w.max).toBeLessThanOrEqual(1);
          },
        );
      },
      100_000,
    );
  }
});
