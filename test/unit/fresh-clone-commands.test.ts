/** Reading the README's set-up commands (scripts/fresh-clone-check.ts). */
import { expect, test } from "bun:test";
import { narrowTestCommand, readmeCommands } from "../../scripts/fresh-clone-check.ts";

test("finds the run and the test command in code blocks", () => {
  const readme = "# x\n\n```sh\nnpm ci && npm start\n```\n\ntext npm test\n\n```\n$ npm ci && npm test\n```\n";
  expect(readmeCommands(readme)).toEqual({ run: "npm ci && npm start", test: "npm ci && npm test" });
});

test("drops trailing comments", () => {
  const readme = "```sh\nnpm ci && npm start       # install, build\nnpm ci && npm test        # every test\n```\n";
  expect(readmeCommands(readme)).toEqual({ run: "npm ci && npm start", test: "npm ci && npm test" });
});

test("no commands outside code blocks", () => {
  expect(readmeCommands("npm ci && npm start\nnpm test\n")).toBeUndefined();
});

test("narrows the test command to one file", () => {
  expect(narrowTestCommand("npm ci && npm test", "t.test.ts")).toBe("npm ci && npm test -- t.test.ts");
  expect(() => narrowTestCommand("npm test && echo done", "t.test.ts")).toThrow();
});
