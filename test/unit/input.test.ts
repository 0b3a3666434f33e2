/**
 * The thin reader over a real non-blocking FIFO and a real file: EAGAIN is
 * polled (not an error), lines split across writes and reads come out
 * whole, EOF comes when the writer closes.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { spawnSync } from "node:child_process";
import { closeSync, constants, mkdtempSync, openSync, rmSync, writeFileSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { LineInput, openInput } from "../../src/repl/input.ts";

const dir = mkdtempSync(join(tmpdir(), "pidrescue-input-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function fifo(name: string): { read: number; write: number } {
  const path = join(dir, name);
  expect(spawnSync("mkfifo", [path]).status).toBe(0);
  const read = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  const write = openSync(path, constants.O_WRONLY);
  return { read, write };
}

const later = (ms: number, f: () => void): Promise<void> =>
  new Promise((resolve) =>
    setTimeout(() => {
      f();
      resolve();
    }, ms),
  );

describe("LineInput", () => {
  for (const chunk of [1, 4096]) {
    test(`non-blocking FIFO, chunk ${chunk}: waits through EAGAIN, joins pieces, ends at EOF`, async () => {
      const { read, write } = fifo(`f${chunk}`);
      const input = new LineInput(read, chunk, "test");
      try {
        const first = input.readLine();
        await later(30, () => writeSync(write, "doc"));
        await later(30, () => writeSync(write, "tor\r\nhelp lo"));
        await later(30, () => writeSync(write, "op\n"));
        expect(await first).toEqual({ kind: "line", text: "doctor" });
        expect(await input.readLine()).toEqual({ kind: "line", text: "help loop" });
        const tail = input.readLine();
        await later(30, () => {
          writeSync(write, "exit");
          closeSync(write);
        });
        expect(await tail).toEqual({ kind: "line", text: "exit" });
        expect(await input.readLine()).toEqual({ kind: "eof", hangup: false });
      } finally {
        closeSync(read);
      }
    });
  }

  test("a regular file is read directly, one byte at a time", async () => {
    const path = join(dir, "script.txt");
    writeFileSync(path, "ps\nhelp\nlast");
    const fd = openSync(path, "r");
    try {
      const input = openInput(fd);
      expect(input.how).toBe("file, direct");
      expect(await input.readLine()).toEqual({ kind: "line", text: "ps" });
      expect(input.readLineSync()).toEqual({ kind: "line", text: "help" });
      expect(await input.readLine()).toEqual({ kind: "line", text: "last" });
      expect((await input.readLine()).kind).toBe("eof");
    } finally {
      closeSync(fd);
    }
  });

  test("a FIFO on the given fd is re-opened non-blocking through /proc", () => {
    const { read, write } = fifo("reopen");
    try {
      expect(openInput(read).how).toBe("pipe, re-opened non-blocking");
    } finally {
      closeSync(read);
      closeSync(write);
    }
  });
});
