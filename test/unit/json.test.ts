/** The --json envelope: stable keys first, one line, errors in the same shape. */
import { describe, expect, test } from "bun:test";
import { JSON_VERSION, jsonEnvelope } from "../../src/ui/json.ts";
import { PidrescueError } from "../../src/errors.ts";

describe("jsonEnvelope", () => {
  test("envelope keys come first and the text is one line", () => {
    const text = jsonEnvelope("ps", { rows: [{ pid: 1, comm: "a\nb" }], total: 1 });
    expect(text).not.toContain("\n");
    expect(Object.keys(JSON.parse(text))).toEqual(["pidrescue", "command", "rows", "total"]);
    expect(JSON.parse(text)).toEqual({ pidrescue: JSON_VERSION, command: "ps", rows: [{ pid: 1, comm: "a\nb" }], total: 1 });
  });

  test("a payload may not shadow the envelope", () => {
    expect(() => jsonEnvelope("ps", { command: "x" })).toThrow(PidrescueError);
    expect(() => jsonEnvelope("ps", { pidrescue: 2 })).toThrow(PidrescueError);
  });
});
