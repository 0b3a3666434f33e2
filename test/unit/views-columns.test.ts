/**
 * The column registry: --columns validation with did-you-mean, `ps --list`,
 * the help line, every column's text and JSON value on a fixture tree, and
 * the width promise of the table layout.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { findCommand } from "../../src/cli/registry.ts";
import { commandHelp } from "../../src/cli/help.ts";
import { PidrescueError } from "../../src/errors.ts";
import { LazyReader } from "../../src/proc/lazy.ts";
import { scanProcs } from "../../src/proc/scanner.ts";
import { PF_KTHREAD } from "../../src/proc/stat.ts";
import { ttyNumber } from "../../src/proc/tty.ts";
import { COLUMNS, DEFAULT_COLUMNS, columnListText, findColumn, parseColumns } from "../../src/views/columns.ts";
import type { ViewEnv } from "../../src/views/env.ts";
import { clip, fmtAge, num, safeText } from "../../src/views/format.ts";
import { layoutTable } from "../../src/views/layout.ts";
import { makeFixtureTree, removeFixtureTree } from "../helpers/fixture-proc.ts";

const BTIME = 1_700_000_000;
const root = makeFixtureTree(
  [
    {
      pid: 4242, comm: "rogue.sh", ppid: 4000, pgrp: 4100, sid: 4000, ttyNr: ttyNumber("pts/3"), tpgid: 4100, threads: 2, starttime: 360_000,
      cmdline: ["/bin/bash", "./rogue.sh", "--evil\u001b[2J"], exe: "/usr/bin/bash", cgroup: "8:pids:/user.slice/user-1001.slice\n0::/user.slice\n",
    },
    { pid: 2, comm: "kthreadd", ppid: 0, flags: PF_KTHREAD, cmdline: [] },
  ],
  { btime: BTIME },
);
afterAll(() => removeFixtureTree(root));

function usageError(f: () => unknown): PidrescueError {
  try {
    f();
  } catch (e) {
    if (e instanceof PidrescueError) return e;
    throw e;
  }
  throw new Error("no error thrown");
}

describe("--columns", () => {
  test("defaults, a list, aliases, +additions, no duplicates", () => {
    expect(parseColumns(undefined).map((c) => c.name)).toEqual([...DEFAULT_COLUMNS]);
    expect(parseColumns("pid,comm,nlwp").map((c) => c.name)).toEqual(["pid", "name", "threads"]);
    expect(parseColumns("PID, user").map((c) => c.name)).toEqual(["pid", "user"]);
    expect(parseColumns("+cgroup,exe").map((c) => c.name)).toEqual([...DEFAULT_COLUMNS, "cgroup", "exe"]);
    expect(parseColumns("pid,pid").map((c) => c.name)).toEqual(["pid"]);
  });

  test("an unknown column is a usage error (exit 2) with a suggestion and a pointer to --list", () => {
    const e = usageError(() => parseColumns("pid,nmae"));
    expect(e.code).toBe("USAGE");
    expect(e.exitCode).toBe(2);
    expect(e.message).toBe("unknown column 'nmae' (did you mean 'name'?)");
    expect(e.hint).toContain("ps --list");
    expect(usageError(() => parseColumns("zzzzzz")).message).toBe("unknown column 'zzzzzz'");
    expect(usageError(() => parseColumns(" , ")).code).toBe("USAGE");
  });

  test("names and aliases are unique across the registry", () => {
    const words = COLUMNS.flatMap((c) => [c.name, ...c.aliases]);
    expect(new Set(words).size).toBe(words.length);
    for (const w of words) expect(findColumn(w)).toBeDefined();
  });

  test("--list has one line per column; help ps names them all", () => {
    const list = columnListText();
    expect(list).toHaveLength(COLUMNS.length);
    COLUMNS.forEach((c, i) => expect(list[i]!.startsWith(c.name)).toBe(true));
    const help = commandHelp(findCommand("ps")!);
    for (const c of COLUMNS) expect(help).toContain(c.name);
  });
});

describe("cells", () => {
  const t = scanProcs({ procRoot: root });
  const env: ViewEnv = { lazy: new LazyReader(root), bootTime: BTIME, nowMs: (BTIME + 7200) * 1000, userName: (u) => (u === 0 ? "root" : String(u)) };
  const r = t.indexOf(4242);
  const k = t.indexOf(2);
  const text = (name: string, row = r): string => findColumn(name)!.text(t, row, env);
  const value = (name: string, row = r): unknown => findColumn(name)!.value(t, row, env);

  test("scan columns", () => {
    expect([text("pid"), text("ppid"), text("pgrp"), text("sid"), text("tty"), text("tpgid"), text("threads")]).toEqual(["4242", "4000", "4100", "4000", "pts/3", "4100", "2"]);
    expect([text("user"), value("uid"), text("state"), text("name")]).toEqual(["root", 0, "S", "rogue.sh"]);
    expect([text("age"), value("age")]).toEqual(["1h00m", 3600]);
    expect(value("start")).toBe(new Date((BTIME + 3600) * 1000).toISOString());
    expect([text("kthread"), text("kthread", k), value("kthread", k)]).toEqual(["", "k", true]);
    expect(text("tty", k)).toBe("?");
    expect(value("tty", k)).toBeNull();
  });

  test("lazy columns: cmd (terminal-safe), [name] for a kernel thread, exe, cgroup (v1 pids path first)", () => {
    expect(text("cmd")).toBe("/bin/bash ./rogue.sh --evil\\x1b[2J");
    expect(value("cmd")).toBe("/bin/bash ./rogue.sh --evil\u001b[2J");
    expect(text("cmd", k)).toBe("[kthreadd]");
    expect(text("exe")).toBe("/usr/bin/bash");
    expect(value("exe", k)).toBeNull();
    expect(text("cgroup")).toBe("/user.slice/user-1001.slice");
  });
});

describe("layout and formats", () => {
  test("no line wider than the terminal; the last column is cut with +", () => {
    const cols = [
      { header: "PID", align: "right" as const, max: 10 },
      { header: "NAME", align: "left" as const, max: 8 },
      { header: "CMD", align: "left" as const, max: 60 },
    ];
    const lines = layoutTable(cols, [["1", "a-very-long-name", "x".repeat(100)], ["22", "b", "short"]], 30);
    expect(lines).toEqual(["PID NAME     CMD", "  1 a-very-+ xxxxxxxxxxxxxxxx+", " 22 b        short"]);
    for (const l of lines) expect(l.length).toBeLessThanOrEqual(30);
  });

  test("numbers, ages, clipping, unsafe text", () => {
    expect([num(0), num(999), num(1000), num(4194304), num(-12345)]).toEqual(["0", "999", "1,000", "4,194,304", "-12,345"]);
    expect([fmtAge(5), fmtAge(65), fmtAge(3600 * 5 + 60 * 3), fmtAge(86400 * 3 + 3600 * 4)]).toEqual(["5s", "1m05s", "5h03m", "3d04h"]);
    expect([clip("abcdef", 4), clip("ab", 4), clip("abc", 1)]).toEqual(["abc+", "ab", "+"]);
    expect(safeText("a\nb\u202ec")).toBe("a\\x0ab\\u{202e}c");
  });
});
