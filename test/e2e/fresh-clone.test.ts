/**
 * Issue 2, "Must show": the README's two set-up commands work on a fresh
 * clone. scripts/fresh-clone-check.ts clones a snapshot of the working tree
 * (so uncommitted work counts too), runs the install-build-run command in
 * full and the test command narrowed to one quick test file (the whole
 * suite would recurse into this test).
 */
import { describe, expect, test } from "bun:test";
import { existsSync, readFileSync } from "node:fs";
import { freshCloneCheck, readmeCommands } from "../../scripts/fresh-clone-check.ts";
import { ROOT } from "../helpers/paths.ts";

describe("fresh clone", () => {
  test("README.md names the two set-up commands", () => {
    expect(existsSync(`${ROOT}/README.md`)).toBe(true);
    const cmds = readmeCommands(readFileSync(`${ROOT}/README.md`, "utf8"));
    expect(cmds).toBeDefined();
  });

  test(
    "npm ci && npm start, then the test command, in a clean clone",
    () => {
      const r = freshCloneCheck({ log: () => {} });
      const failed = r.steps.filter((s) => s.code !== 0).map((s) => ({ step: s.step, command: s.command, code: s.code, tail: s.tail.slice(-1500) }));
      expect(failed).toEqual([]);
      expect(r.steps.map((s) => s.step)).toEqual(["install, build, run", "test command (one file)"]);
      expect(r.ok).toBe(true);
    },
    25 * 60_000,
  );
});
