import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { LazyReader } from "../../src/proc/lazy.ts";
import { readStatOne, scanProcs } from "../../src/proc/scanner.ts";
import { PID_MAX_LIMIT, ProcTable } from "../../src/proc/table.ts";
import { makeFixtureTree, removeFixtureTree, statLine } from "../helpers/fixture-proc.ts";

let root = "";

beforeAll(() => {
  root = makeFixtureTree([
    { pid: 30, comm: "c", uid: 1234, cmdline: ["c", "--flag"], exe: "/bin/c", cgroup: "0::/x.slice\n" },
    { pid: 4_194_304, comm: "last", ppid: 30 },
    { pid: 7, comm: "a b", ppid: 30, threads: 3 },
  ]);
  mkdirSync(join(root, "12")); // gone between readdir and open: no stat
  mkdirSync(join(root, "13"));
  writeFileSync(join(root, "13", "stat"), statLine({ pid: 13, comm: "cut" }).subarray(0, 40)); // cut short
  mkdirSync(join(root, "1e3"));
  writeFileSync(join(root, "1e3", "stat"), statLine({ pid: 1000, comm: "sci" })); // not a pid name
  mkdirSync(join(root, "self"));
  mkdirSync(join(root, "0"));
});

afterAll(() => removeFixtureTree(root));

test("a fixture tree scans into PID order, skipping what vanished and what is cut short", () => {
  const seen: [number, number][] = [];
  const t = scanProcs({ procRoot: `${root}/`, onProgress: (d, n) => seen.push([d, n]) });
  expect(Array.from(t.pid.subarray(0, t.count))).toEqual([7, 30, 4_194_304]);
  expect(t.info).toMatchObject({ candidates: 6, vanished: 1, denied: 0, malformed: 2 });
  expect(seen.at(-1)?.[0]).toBe(seen.at(-1)?.[1]);
  expect(t.uid[t.indexOf(30)]).toBe(1234);
  expect(t.name(t.indexOf(7))).toBe("a b");
  expect(t.threads[t.indexOf(7)]).toBe(3);
  expect(t.indexOf(4_194_304)).toBe(2);
  expect(t.indexOf(4_194_305)).toBe(-1);
  expect(t.indexOf(12)).toBe(-1);
  expect(t.pidIndex()?.length).toBeLessThanOrEqual(PID_MAX_LIMIT + 1);
});

test("without uid the owner is UID_UNKNOWN and nothing else changes", () => {
  const a = scanProcs({ procRoot: root });
  const b = scanProcs({ procRoot: root, uid: false });
  expect(b.uid[b.indexOf(30)]).toBe(0xffffffff);
  expect(Array.from(b.ppid.subarray(0, b.count))).toEqual(Array.from(a.ppid.subarray(0, a.count)));
});

test("readStatOne and the lazy reader go through procRoot", () => {
  const one = readStatOne(root, 30)!;
  expect(one).toMatchObject({ pid: 30, comm: "c", uid: 1234, starttime: 4283612 });
  expect(readStatOne(root, 12)).toBeNull();
  expect(readStatOne(root, 13)).toBeNull();
  const lazy = new LazyReader(root);
  expect(lazy.cmdline(30, one.starttime)).toBe("c --flag");
  expect(lazy.exe(30, one.starttime)).toBe("/bin/c");
  expect(lazy.cgroup(30, one.starttime)?.v2).toBe("/x.slice");
  expect(lazy.loginuid(30, one.starttime)).toBe(1234);
  expect(lazy.status(30, one.starttime)).toContain("Name:\tc");
  expect(lazy.exe(7, 4283612)).toBeUndefined();
  expect(lazy.cmdline(12, 1)).toBeUndefined();
});

test("PIDs beyond the kernel's limit (hand-made trees) fall back to a map index", () => {
  const t = new ProcTable(2);
  const buf = Buffer.alloc(4096);
  for (const pid of [5, 99_999_999, 6]) {
    const line = statLine({ pid, comm: "x" });
    line.copy(buf, 0);
    t.appendStat(buf, line.length, 0, -1);
  }
  expect(t.indexOf(5)).toBe(0);
  expect(t.indexOf(99_999_999)).toBe(1);
  expect(t.pidIndex()).toBeUndefined();
  t.sortByPid();
  expect([t.indexOf(5), t.indexOf(6), t.indexOf(99_999_999)]).toEqual([0, 1, 2]);
});
