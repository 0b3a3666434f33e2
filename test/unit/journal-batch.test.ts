import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { Journal, parseJournalLine } from "../../src/engine/journal.ts";

const dir = mkdtempSync(`${tmpdir()}/pidrescue-journal-batch-`);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test("one write per signal: a result goes out with the next line, still before that line's signal", () => {
  const path = `${dir}/j.log`;
  const { journal } = Journal.openFirst([path], Date.now());
  const j = journal!;
  j.begin({ pid: 10, starttime: 1, comm: "a", uid: 0, sig: "STOP", strategy: "pid" })("ok");
  // The first result is held back...
  expect(readFileSync(path, "utf8").endsWith("result=")).toBe(true);
  const done2 = j.begin({ pid: 11, starttime: 2, comm: "b", uid: 0, sig: "STOP", strategy: "pid" });
  // ...and written with the second line, which is on disk before its own signal.
  let lines = readFileSync(path, "utf8").split("\n");
  expect(lines).toHaveLength(2);
  expect(parseJournalLine(lines[0]!)).toMatchObject({ pid: "10", result: "ok" });
  expect(lines[1]!.endsWith("result=")).toBe(true);
  done2("gone");
  j.note("end of phase");
  j.begin({ pid: 12, starttime: 3, comm: "c", uid: 0, sig: "KILL", strategy: "pid" })("ok");
  j.flush();
  lines = readFileSync(path, "utf8").split("\n").filter(Boolean);
  expect(lines.map((l) => parseJournalLine(l).result ?? parseJournalLine(l).note)).toEqual(["ok", "gone", "end of phase", "ok"]);
  j.flush(); // nothing held back: writes nothing
  j.close();
  expect(readFileSync(path, "utf8").split("\n").filter(Boolean)).toHaveLength(4);
});
