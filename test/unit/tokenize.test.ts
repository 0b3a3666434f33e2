/** The REPL's shell-like word splitting: a table of lines and the words they give. */
import { describe, expect, test } from "bun:test";
import { tokenize } from "../../src/repl/tokenize.ts";
import { PidrescueError } from "../../src/errors.ts";

const CASES: Array<[string, string[]]> = [
  ["", []],
  ["   \t  ", []],
  ["# only a comment", []],
  ["   # indented comment", []],
  ["ps", ["ps"]],
  ["  ps   name=rogue.sh  ", ["ps", "name=rogue.sh"]],
  ["ps\tname=a", ["ps", "name=a"]],
  ["\f", []],
  ["\fps\vname=a", ["ps", "name=a"]],
  ["ps name=a # trailing comment", ["ps", "name=a"]],
  ["ps name=a#b", ["ps", "name=a#b"]],
  ["ps 'name=rogue sh'", ["ps", "name=rogue sh"]],
  ["ps name='rogue sh'", ["ps", "name=rogue sh"]],
  ['ps "name=rogue sh"', ["ps", "name=rogue sh"]],
  ["ps \"name='a b'\"", ["ps", "name='a b'"]],
  ["ps 'cmd~\"x\"'", ["ps", 'cmd~"x"']],
  ["ps 'a'\"b\"c", ["ps", "abc"]],
  ["ps ''", ["ps", ""]],
  ['ps ""', ["ps", ""]],
  ["ps a\\ b", ["ps", "a b"]],
  ["ps a\\'b", ["ps", "a'b"]],
  ["ps \\#x", ["ps", "#x"]],
  ['ps "a\\"b"', ["ps", 'a"b']],
  ['ps "a\\\\b"', ["ps", "a\\b"]],
  ['ps "a\\.b"', ["ps", "a\\.b"]],
  ["ps 'a\\.b'", ["ps", "a\\.b"]],
  ["ps '#not a comment'", ["ps", "#not a comment"]],
  ["rescue name=x --yes\r", ["rescue", "name=x", "--yes"]],
  ["loop 3 freeze 'user=bob and state=R'", ["loop", "3", "freeze", "user=bob and state=R"]],
  ["ps name=żółw", ["ps", "name=żółw"]],
];

const ERRORS: Array<[string, RegExp]> = [
  ["ps 'unterminated", /unterminated ' quote \(opened at column 4\)/],
  ['ps "unterminated', /unterminated " quote/],
  ["ps name='a b", /unterminated ' quote \(opened at column 9\)/],
  ['ps "a\\"', /unterminated " quote/],
  ["ps trailing\\", /ends with a backslash/],
];

describe("tokenize", () => {
  for (const [line, words] of CASES) {
    test(JSON.stringify(line), () => {
      expect(tokenize(line)).toEqual(words);
    });
  }
  for (const [line, message] of ERRORS) {
    test(`error: ${JSON.stringify(line)}`, () => {
      let caught: unknown;
      try {
        tokenize(line);
      } catch (e) {
        caught = e;
      }
      expect(caught).toBeInstanceOf(PidrescueError);
      const err = caught as PidrescueError;
      expect(err.code).toBe("USAGE");
      expect(err.message).toMatch(message);
      expect(err.message).not.toContain("\n");
    });
  }
});
