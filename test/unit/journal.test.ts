import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { Journal, escapeField, journalCandidates, parseJournalLine } from "../../src/engine/journal.ts";

const dir = mkdtempSync(`${tmpdir()}/pidrescue-journal-`);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test("a line is on disk before its result is known, and completed after", () => {
  const path = `${dir}/j.log`;
  const { journal } = Journal.openFirst([path], Date.now() - 1500);
  expect(journal).toBeDefined();
  const done = journal!.begin({ pid: 42, starttime: 777, comm: "rogue sh\t\n", uid: 1001, sig: "STOP", strategy: "pid" });
  const partial = readFileSync(path, "utf8");
  expect(partial.endsWith("result=")).toBe(true);
  expect(partial).toContain("pid=42\tstart=777");
  done("ok");
  journal!.close();
  const lines = readFileSync(path, "utf8").split("\n").filter(Boolean);
  expect(lines).toHaveLength(1);
  const f = parseJournalLine(lines[0]!);
  expect(f).toMatchObject({ pid: "42", start: "777", uid: "1001", sig: "STOP", strategy: "pid", result: "ok" });
  expect(f.comm).toBe("rogue sh\\x09\\x0a");
  expect(Number(f.mono)).toBeGreaterThanOrEqual(1.4);
});

test("falls back to the next candidate and reports the failures", () => {
  const { journal, failures } = Journal.openFirst([`${dir}/missing-dir/x.log`, `${dir}/ok.log`], Date.now());
  expect(journal?.path).toBe(`${dir}/ok.log`);
  expect(failures).toHaveLength(1);
  expect(failures[0]).toContain("ENOENT");
  journal?.close();
});

test("candidates: explicit path only, else /var/log then $HOME", () => {
  expect(journalCandidates("/x/y.log", { HOME: "/root" })).toEqual(["/x/y.log"]);
  const c = journalCandidates(undefined, { HOME: "/home/ann/" });
  expect(c[0]).toBe("/var/log/pidrescue.log");
  expect(c[1]).toBe("/home/ann/pidrescue.log");
});

test("escapeField keeps lines intact", () => {
  expect(escapeField("a\\b")).toBe("a\\\\b");
  expect(escapeField("x\ny")).toBe("x\\x0ay");
});
