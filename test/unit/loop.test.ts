/** `loop N` / `loop until-stable`: argument parsing and the stop rules, with a scripted command. */
import { describe, expect, test } from "bun:test";
import { MAX_STABLE_ROUNDS, parseLoop, runLoop, worse, type Round } from "../../src/repl/loop.ts";
import { newSession, type SessionState } from "../../src/cli/context.ts";
import { ExitCode, PidrescueError } from "../../src/errors.ts";

function usageMessage(words: string[]): string {
  try {
    parseLoop(words);
  } catch (e) {
    expect(e).toBeInstanceOf(PidrescueError);
    expect((e as PidrescueError).code).toBe("USAGE");
    return (e as PidrescueError).message;
  }
  throw new Error(`parseLoop(${JSON.stringify(words)}) did not fail`);
}

/** A fake command: round i returns codes[i] and sets lastChanged to changed[i]. */
function scripted(session: SessionState, rounds: Array<{ code?: ExitCode; changed?: number; failed?: boolean }>): { once: () => Promise<Round>; calls: () => number } {
  let i = 0;
  return {
    once: async () => {
      const r = rounds[Math.min(i, rounds.length - 1)] ?? {};
      i++;
      session.lastChanged = r.changed;
      return { code: r.code ?? ExitCode.Ok, failed: r.failed ?? false };
    },
    calls: () => i,
  };
}

const noWait = async (): Promise<void> => undefined;

describe("parseLoop", () => {
  test("count and command", () => {
    expect(parseLoop(["3", "freeze", "name=x"])).toEqual({ count: 3, command: ["freeze", "name=x"] });
    expect(parseLoop(["until-stable", "freeze", "name=x"])).toEqual({ untilStable: true, command: ["freeze", "name=x"] });
  });
  test("bad input is a usage error with a one-line message", () => {
    expect(usageMessage([])).toMatch(/needs a count or until-stable/);
    expect(usageMessage(["ps"])).toMatch(/needs a count .* not 'ps'/);
    expect(usageMessage(["-1", "ps"])).toMatch(/not '-1'/);
    expect(usageMessage(["2.5", "ps"])).toMatch(/not '2.5'/);
    expect(usageMessage(["0", "ps"])).toMatch(/between 1 and/);
    expect(usageMessage(["99999999", "ps"])).toMatch(/between 1 and/);
    expect(usageMessage(["3"])).toMatch(/needs a command/);
    expect(usageMessage(["until-stable"])).toMatch(/needs a command/);
  });
});

describe("runLoop", () => {
  test("loop N runs N times and returns the worst code", async () => {
    const s = newSession();
    const f = scripted(s, [{ code: ExitCode.Ok }, { code: ExitCode.NothingMatched }, { code: ExitCode.Ok }]);
    expect(await runLoop({ count: 3, command: ["ps"] }, s, f.once, noWait)).toBe(ExitCode.NothingMatched);
    expect(f.calls()).toBe(3);
  });

  test("loop N stops at the first round that fails with an error", async () => {
    const s = newSession();
    const f = scripted(s, [{ code: ExitCode.Ok }, { code: ExitCode.Usage, failed: true }]);
    expect(await runLoop({ count: 5, command: ["ps"] }, s, f.once, noWait)).toBe(ExitCode.Usage);
    expect(f.calls()).toBe(2);
  });

  test("^C between rounds stops the loop with Aborted", async () => {
    const s = newSession();
    const f = scripted(s, [{ code: ExitCode.Ok }]);
    let waits = 0;
    const between = async (): Promise<void> => {
      if (++waits === 2) throw new PidrescueError("ABORTED", "interrupted (^C)");
    };
    expect(await runLoop({ count: 10, command: ["ps"] }, s, f.once, between)).toBe(ExitCode.Aborted);
    expect(f.calls()).toBe(2);
  });

  test("until-stable stops when a round changed nothing", async () => {
    const s = newSession();
    const f = scripted(s, [{ changed: 40 }, { changed: 3 }, { changed: 0 }, { changed: 7 }]);
    expect(await runLoop({ untilStable: true, command: ["freeze"] }, s, f.once, noWait)).toBe(ExitCode.Ok);
    expect(f.calls()).toBe(3);
  });

  test("until-stable treats NothingMatched as stable, keeping a worse earlier code", async () => {
    const s = newSession();
    const f = scripted(s, [{ changed: 5, code: ExitCode.Partial }, { code: ExitCode.NothingMatched }]);
    expect(await runLoop({ untilStable: true, command: ["kill"] }, s, f.once, noWait)).toBe(ExitCode.Partial);
    expect(f.calls()).toBe(2);
  });

  test("until-stable: a NOTHING_MATCHED error (nothing left to freeze) is the stable end too", async () => {
    const s = newSession();
    const f = scripted(s, [{ changed: 12 }, { code: ExitCode.NothingMatched, failed: true }]);
    expect(await runLoop({ untilStable: true, command: ["freeze"] }, s, f.once, noWait)).toBe(ExitCode.Ok);
    expect(f.calls()).toBe(2);
  });

  test("until-stable: nothing matched in the very first round is still 1", async () => {
    const s = newSession();
    const f = scripted(s, [{ code: ExitCode.NothingMatched, failed: true }]);
    expect(await runLoop({ untilStable: true, command: ["freeze"] }, s, f.once, noWait)).toBe(ExitCode.NothingMatched);
    expect(f.calls()).toBe(1);
  });

  test("until-stable stops at another error", async () => {
    const s = newSession();
    const f = scripted(s, [{ changed: 12 }, { code: ExitCode.Usage, failed: true }]);
    expect(await runLoop({ untilStable: true, command: ["freeze"] }, s, f.once, noWait)).toBe(ExitCode.Usage);
    expect(f.calls()).toBe(2);
  });

  test("until-stable refuses a command that does not report what it changed", async () => {
    const s = newSession();
    const f = scripted(s, [{ code: ExitCode.Ok }]);
    await expect(runLoop({ untilStable: true, command: ["ps"] }, s, f.once, noWait)).rejects.toThrow(/does not report what it changed/);
    expect(f.calls()).toBe(1);
  });

  test("until-stable gives up after the round limit with Partial", async () => {
    const s = newSession();
    const f = scripted(s, [{ changed: 1 }]);
    expect(await runLoop({ untilStable: true, command: ["freeze"] }, s, f.once, noWait)).toBe(ExitCode.Partial);
    expect(f.calls()).toBe(MAX_STABLE_ROUNDS);
  });

  test("lastChanged is reset before every round", async () => {
    const s = newSession();
    s.lastChanged = 0;
    const seen: Array<number | undefined> = [];
    const once = async (): Promise<Round> => {
      seen.push(s.lastChanged);
      return { code: ExitCode.Ok, failed: false };
    };
    await runLoop({ count: 2, command: ["ps"] }, s, once, noWait);
    expect(seen).toEqual([undefined, undefined]);
  });

  test("worse() orders by exit code number", () => {
    expect(worse(ExitCode.Ok, ExitCode.NothingMatched)).toBe(ExitCode.NothingMatched);
    expect(worse(ExitCode.Environment, ExitCode.Aborted)).toBe(ExitCode.Environment);
    expect(worse(ExitCode.Partial, ExitCode.Usage)).toBe(ExitCode.Partial);
  });
});
