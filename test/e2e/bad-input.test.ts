/**
 * Issue 2, "Bad input": an unknown command or flag gets one error line, the
 * usage line and exit code 2; a --proc-root that is missing or not a procfs
 * gets one clear line and exit code 5. Never a stack trace.
 */
import { describe, expect, test } from "bun:test";
import { runBinary } from "../helpers/run.ts";

function expectClean(stderr: string): void {
  expect(stderr).not.toMatch(/^\s+at /m); // no JS stack frame
  expect(stderr).not.toMatch(/panic|oh no|Bun has crashed/);
}

describe("usage errors exit 2 with one line and the usage line", () => {
  const cases: Array<[string[], RegExp, RegExp]> = [
    [["frobnicate"], /unknown command 'frobnicate'/, /^usage: pidrescue /],
    [["--frobnicate"], /unknown flag --frobnicate/, /^usage: pidrescue /],
    [["doctor", "--frob"], /unknown flag --frob\b/, /^usage: pidrescue doctor/],
    [["doctor", "--stress", "soon"], /--stress wants whole seconds/, /^usage: pidrescue doctor/],
  ];
  for (const [args, message, usage] of cases) {
    test(args.join(" "), () => {
      const r = runBinary(args);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe("");
      const lines = r.stderr.trimEnd().split("\n");
      expect(lines).toHaveLength(2);
      expect(lines[0]).toMatch(message);
      expect(lines[1]).toMatch(usage);
      expectClean(r.stderr);
    });
  }
});

describe("an unusable procfs root exits 5 with one clear line", () => {
  const cases: Array<[string, RegExp]> = [
    ["/nonexistent", /cannot read \/nonexistent \(ENOENT\)/],
    ["/tmp", /\/tmp holds no process directories/],
  ];
  for (const [root, message] of cases) {
    for (const cmd of [["doctor"], []]) {
      test(`--proc-root ${root} ${cmd.join(" ") || "(no command)"}`, () => {
        const r = runBinary(["--proc-root", root, ...cmd]);
        expect(r.code).toBe(5);
        expect(r.stdout).toBe("");
        const lines = r.stderr.trimEnd().split("\n");
        expect(lines).toHaveLength(1);
        expect(lines[0]).toMatch(message);
        expectClean(r.stderr);
      });
    }
  }

  // Known limitation: with no procfs mounted at all, the Bun runtime aborts
  // before any JS runs (it opens /proc/self/maps at start-up; strace shows the
  // ENOENT, then "panic(main thread): abort() called"). Nothing in src/ can
  // catch that. Kept as a todo so it shows up in every run.
  test.todo("no /proc mounted at all: one clear line, exit 5", () => {
    const r = runBinary([], {
      bin: ["unshare", "--mount", "--propagation", "private", "/bin/sh", "-c", 'umount -l /proc && exec "$0" "$@"', "dist/pidrescue", "doctor"],
    });
    expect(r.code).toBe(5);
    expectClean(r.stderr);
  });
});
