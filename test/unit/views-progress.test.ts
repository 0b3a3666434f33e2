/** Scan progress on stderr: nothing off a TTY, nothing in the first second, one line rewritten, cleared at the end. */
import { afterAll, expect, test } from "bun:test";
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { progress } from "../../src/views/progress.ts";

const dir = mkdtempSync(join(tmpdir(), "pidrescue-progress-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function captured(run: (fd: number) => void): string {
  const path = join(dir, `out-${Math.random().toString(36).slice(2)}`);
  const fd = openSync(path, "w");
  try {
    run(fd);
  } finally {
    closeSync(fd);
  }
  return readFileSync(path, "latin1");
}

test("quiet for the first second, then one line per call, cleared by done()", () => {
  let now = 0;
  const text = captured((fd) => {
    const p = progress("scanning /proc:", { fd, tty: true, now: () => now });
    p.onProgress?.(4096, 30000);
    now = 999;
    p.onProgress?.(8192, 30000);
    now = 1001;
    p.onProgress?.(12288, 30000);
    p.onProgress?.(30000, 30000);
    p.done();
  });
  expect(text).toBe("\rscanning /proc: 12,288 of 30,000\u001b[K\rscanning /proc: 30,000 of 30,000\u001b[K\r\u001b[K");
});

test("a quick scan prints nothing at all, not even the clearing", () => {
  const text = captured((fd) => {
    const p = progress("scanning /proc:", { fd, tty: true, now: () => 5 });
    p.onProgress?.(4096, 8000);
    p.done();
  });
  expect(text).toBe("");
});

test("not a terminal: no callback, nothing written", () => {
  const p = progress("scanning /proc:", { fd: 2, tty: false });
  expect(p.onProgress).toBeUndefined();
});
