/**
 * Help texts: snapshots of `help` and every `help CMD` (review a diff
 * before updating with `bun test -u`), and the layout promise: `help`
 * plus the prompt fits a 24x80 terminal, every line of every help fits 80.
 */
import { describe, expect, test } from "bun:test";
import { COMMANDS } from "../../src/cli/registry.ts";
import { HELP_WIDTH, REPL_ONLY, commandHelp, mainHelp, replCommandHelp, wrap } from "../../src/cli/help.ts";

const width = (text: string): number => Math.max(...text.split("\n").map((l) => l.length));

describe("help", () => {
  test("main help snapshot", () => {
    expect(mainHelp()).toMatchSnapshot();
  });

  test("main help leaves room for the prompt on a 24-line screen, 80 columns wide", () => {
    expect(mainHelp().split("\n").length).toBeLessThanOrEqual(23);
    expect(width(mainHelp())).toBeLessThanOrEqual(HELP_WIDTH);
  });

  test("every command and REPL command is listed", () => {
    const names = mainHelp()
      .split("\n")
      .map((l) => /^ {2}(\S+)/.exec(l)?.[1])
      .filter((n) => n !== undefined);
    expect(names).toEqual([...COMMANDS.map((c) => c.name), ...REPL_ONLY.map((c) => c.name)]);
  });

  for (const spec of COMMANDS) {
    test(`help ${spec.name}`, () => {
      const text = commandHelp(spec);
      expect(text).toMatchSnapshot();
      expect(width(text)).toBeLessThanOrEqual(HELP_WIDTH);
      expect(text.split("\n").length).toBeLessThanOrEqual(23);
    });
  }

  for (const c of REPL_ONLY) {
    test(`help ${c.name} (REPL)`, () => {
      const text = replCommandHelp(c.name);
      expect(text).toBeDefined();
      expect(text).toMatchSnapshot();
      expect(width(text ?? "")).toBeLessThanOrEqual(HELP_WIDTH);
      for (const alias of c.aliases) expect(replCommandHelp(alias)).toBe(text);
    });
  }

  test("wrap breaks at spaces with a hanging indent and leaves short lines alone", () => {
    expect(wrap("short", 2)).toEqual(["short"]);
    expect(wrap("aaaa bbbb cccc dddd", 2, 10)).toEqual(["aaaa bbbb", "  cccc", "  dddd"]);
    expect(wrap("x".repeat(30), 2, 10)).toEqual(["x".repeat(30)]);
  });
});
