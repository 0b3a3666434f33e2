import { describe, expect, test } from "bun:test";
import { spawn } from "node:child_process";
import { isStoppedState, parseStopPending, rereader, stopPendingOrStopped } from "../../src/engine/reread.ts";

const status = (state: string, shd: string, sig = "0000000000000000") =>
  `Name:\tx\nUmask:\t0022\nState:\t${state}\nTgid:\t9\nSigQ:\t0/1\nSigPnd:\t${sig}\nShdPnd:\t${shd}\nSigBlk:\t0000000000000000\n`;

describe("parseStopPending: is a SIGSTOP still waiting (or acted on)?", () => {
  test.each([
    ["running, nothing pending", status("R (running)", "0000000000000000"), false],
    ["running, SIGSTOP in the shared set", status("R (running)", "0000000000040000"), true],
    ["sleeping, SIGSTOP per thread", status("S (sleeping)", "0000000000000000", "0000000000040000"), true],
    ["SIGCONT pending only", status("S (sleeping)", "0000000000020000"), false],
    ["stopped", status("T (stopped)", "0000000000000000"), true],
    ["no pending lines", "Name:\tx\nState:\tR (running)\n", undefined],
  ] as const)("%s", (_n, text, want) => {
    expect(parseStopPending(text)).toBe(want);
  });
});

test("the live re-read sees a process stop, and its pending set agrees", async () => {
  const child = spawn("sleep", ["30"], { stdio: "ignore" });
  const pid = child.pid!;
  try {
    const rr = rereader("/proc");
    const before = rr.read(pid, true);
    expect(before?.comm).toBe("sleep");
    expect(before?.uid).toBe(process.getuid!());
    expect(stopPendingOrStopped("/proc", pid)).toBe(false);
    process.kill(pid, "SIGSTOP");
    for (let i = 0; i < 100 && !isStoppedState(rr.read(pid)?.state ?? 0); i++) await Bun.sleep(10);
    const after = rr.read(pid);
    expect(isStoppedState(after?.state ?? 0)).toBe(true);
    expect(after?.starttime).toBe(before?.starttime);
    expect(stopPendingOrStopped("/proc", pid)).toBe(true);
  } finally {
    child.kill("SIGKILL");
  }
  await new Promise((r) => child.once("exit", r));
  expect(rereader("/proc").read(pid)).toBeUndefined();
  expect(stopPendingOrStopped("/proc", pid)).toBeUndefined();
});
