/**
 * Issue 2, "Must show": a plain `bun run` of the source, outside the
 * sandbox, still works for development. `bun run` itself has helper threads
 * (transpiler, runtime), so doctor may count more than one thread there and
 * then exits 3, as documented; the boot still lands in the safe mode.
 */
import { describe, expect, test } from "bun:test";
import { BUN } from "../helpers/paths.ts";
import { runBinary } from "../helpers/run.ts";

const DEV = [BUN, "run", "src/boot.ts"];

interface DoctorJson {
  threads: number;
  runtime: { safeMode: boolean; compiled: boolean; stage: string | null; strippedVars: string[] };
}

describe("bun run src/boot.ts (development mode)", () => {
  test("--version", () => {
    const r = runBinary(["--version"], { bin: DEV });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^pidrescue \S+ \(.+\) bun \d/);
  });

  for (const [name, env] of [
    ["doctor", {}],
    ["doctor with BUN_JSC_useJIT=1 inherited", { BUN_JSC_useJIT: "1" }],
  ] as Array<[string, Record<string, string>]>) {
    test(name, () => {
      const r = runBinary(["doctor", "--json"], { bin: DEV, env });
      const line = r.stdout.split("\n").find((l) => l.startsWith('{"pidrescue":1,"command":"doctor"'));
      expect(line).toBeDefined();
      const d = JSON.parse(line ?? "{}") as DoctorJson;
      expect(r.code).toBe(d.threads === 1 ? 0 : 3);
      expect(d.runtime).toMatchObject({ safeMode: true, compiled: false, stage: "2" });
      expect(d.runtime.strippedVars).toEqual(Object.keys(env));
      expect(r.stderr).not.toMatch(/panic|^\s+at /m);
    });
  }
});
