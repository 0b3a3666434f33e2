/** Small REPL pieces: per-line global flags, the leave-stopped guard, yes/no answers, journal tail. */
import { describe, expect, test } from "bun:test";
import { extractFlags } from "../../src/cli/args.ts";
import { GLOBAL_ARGS } from "../../src/cli/registry.ts";
import { globalOptions, lineOptions } from "../../src/cli/globals.ts";
import { newSession, type RunContext } from "../../src/cli/context.ts";
import { leaveStoppedOk } from "../../src/cli/frozen-guard.ts";
import { isYes } from "../../src/repl/confirm.ts";
import { lastLines } from "../../src/commands/journal.ts";
import { PidrescueError } from "../../src/errors.ts";

const parse = (words: string[]) => extractFlags(words, GLOBAL_ARGS);

describe("global flags", () => {
  test("anywhere on the line, pulled out in order", () => {
    const { parsed, rest } = parse(["--json", "ps", "name=x", "-y", "--dry-run", "--", "--yes"]);
    const o = globalOptions(parsed);
    expect(o).toMatchObject({ json: true, yes: true, dryRun: true, procRoot: "/proc", boost: true, color: true });
    expect(rest).toEqual(["ps", "name=x", "--", "--yes"]);
  });

  test("a flag on a REPL line changes that line only; session-wide flags are refused", () => {
    const base = globalOptions(parse(["--proc-root", "/srv/fixture/", "--json"]).parsed);
    expect(base.procRoot).toBe("/srv/fixture");
    expect(lineOptions(base, parse(["ps"]).parsed)).toEqual(base);
    expect(lineOptions(base, parse(["ps", "--no-json", "-n"]).parsed)).toMatchObject({ json: false, dryRun: true, procRoot: "/srv/fixture" });
    expect(lineOptions(base, parse(["ps", "--no-color"]).parsed).color).toBe(false);
    for (const words of [["--proc-root", "/x"], ["--journal", "/j"], ["--no-boost"]]) {
      expect(() => lineOptions(base, parse(words).parsed)).toThrow(/applies to the whole session/);
    }
  });

  test("a string flag without its value is a usage error", () => {
    for (const flag of ["--journal", "--proc-root", "--rescue"]) {
      expect(() => globalOptions(parse([flag]).parsed)).toThrow(PidrescueError);
      expect(() => globalOptions(parse([flag]).parsed)).toThrow(`${flag} needs a value`);
    }
  });
});

describe("leaving with processes still stopped", () => {
  function ctx(frozen: number, interactive: boolean, answer: boolean): { c: RunContext; asked: string[] } {
    const session = newSession();
    for (let i = 0; i < frozen; i++) session.frozen.set(1000 + i, { starttime: i, comm: "rogue" });
    const asked: string[] = [];
    const c: RunContext = {
      opts: globalOptions(parse([]).parsed),
      session,
      interactive,
      confirm: (q) => {
        asked.push(q);
        return answer;
      },
    };
    return { c, asked };
  }

  test("nothing stopped: no question", () => {
    const { c, asked } = ctx(0, true, false);
    expect(leaveStoppedOk(c, "exit")).toBe(true);
    expect(asked).toEqual([]);
  });

  test("on a terminal the answer decides", () => {
    const no = ctx(3, true, false);
    expect(leaveStoppedOk(no.c, "exit")).toBe(false);
    expect(no.asked).toEqual(["exit and leave them stopped?"]);
    const yes = ctx(1, true, true);
    expect(leaveStoppedOk(yes.c, "exec the shell")).toBe(true);
    expect(yes.asked).toEqual(["exec the shell and leave it stopped?"]);
  });

  test("a script is warned, not asked", () => {
    const { c, asked } = ctx(2, false, false);
    expect(leaveStoppedOk(c, "exit")).toBe(true);
    expect(asked).toEqual([]);
  });
});

describe("small parsers", () => {
  test("yes answers", () => {
    for (const a of ["y", "Y", "yes", " YES ", "Yes"]) expect(isYes(a)).toBe(true);
    for (const a of ["", "n", "no", "yess", "y y", "sure", "ja"]) expect(isYes(a)).toBe(false);
  });

  test("journal tail lines", () => {
    expect(lastLines("a\nb\nc\n", 2)).toEqual(["b", "c"]);
    expect(lastLines("a\nb\nc", 5)).toEqual(["a", "b", "c"]);
    expect(lastLines("a\n", 0)).toEqual([]);
    expect(lastLines("", 3)).toEqual([]);
  });
});
