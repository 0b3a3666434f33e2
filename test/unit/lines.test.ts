/** The pure half of the line reader: bytes split across reads, CRLF, over-long lines, EOF. */
import { describe, expect, test } from "bun:test";
import { LineSplitter, type SplitResult } from "../../src/repl/lines.ts";

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
const texts = (rs: SplitResult[]): string[] => rs.map((r) => (r.kind === "line" ? r.text : `<too-long ${r.bytes}>`));

describe("LineSplitter", () => {
  test("several lines in one chunk, LF and CRLF", () => {
    const s = new LineSplitter();
    expect(texts(s.push(enc("ps\r\nhelp\n\ndoctor\n")))).toEqual(["ps", "help", "", "doctor"]);
    expect(s.partial).toBe(false);
    expect(s.end()).toBeUndefined();
  });

  test("a line split byte by byte, and a multibyte character split between reads", () => {
    const s = new LineSplitter();
    const bytes = enc("ps name=żółw\n");
    const got: SplitResult[] = [];
    for (const b of bytes) got.push(...s.push(Uint8Array.of(b)));
    expect(texts(got)).toEqual(["ps name=żółw"]);
  });

  test("the last line without a newline comes out at EOF", () => {
    const s = new LineSplitter();
    expect(texts(s.push(enc("doctor\nhel")))).toEqual(["doctor"]);
    expect(s.partial).toBe(true);
    expect(texts(s.push(enc("p")))).toEqual([]);
    expect(s.end()).toEqual({ kind: "line", text: "help" });
    expect(s.end()).toBeUndefined();
  });

  test("clear() drops a partial line (^C)", () => {
    const s = new LineSplitter();
    s.push(enc("kill name=wrong"));
    s.clear();
    expect(texts(s.push(enc("ps\n")))).toEqual(["ps"]);
  });

  test("a line over the limit is dropped whole and reported once; the next line is fine", () => {
    const s = new LineSplitter(16);
    const long = "x".repeat(40);
    const got = [...s.push(enc(long.slice(0, 10))), ...s.push(enc(long.slice(10))), ...s.push(enc("\nps\n"))];
    expect(texts(got)).toEqual(["<too-long 40>", "ps"]);
  });

  test("a line of exactly the limit is kept; a long line at EOF is reported", () => {
    const s = new LineSplitter(16);
    expect(texts(s.push(enc(`${"a".repeat(16)}\n`)))).toEqual(["a".repeat(16)]);
    s.push(enc("b".repeat(17)));
    expect(s.end()).toEqual({ kind: "too-long", bytes: 17 });
  });

  test("a big line grows the buffer past its initial size", () => {
    const s = new LineSplitter();
    const big = "y".repeat(50_000);
    expect(texts(s.push(enc(`${big}\n`)))).toEqual([big]);
  });
});
