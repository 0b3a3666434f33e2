/**
 * `ps SELECTOR` rows: the default limit and the "left out" line, limit 0,
 * the terminal width, JSON counts, and lazy files read only for the rows
 * that are printed.
 */
import { describe, expect, test } from "bun:test";
import { LazyReader } from "../../src/proc/lazy.ts";
import { parseColumns } from "../../src/views/columns.ts";
import type { ViewEnv } from "../../src/views/env.ts";
import { DEFAULT_ROW_LIMIT, rowLines, rowsJson } from "../../src/views/rows.ts";
import { type FixtureProc, fixtureTable } from "../helpers/fixture-proc.ts";

/** A LazyReader that counts cmdline reads and answers from memory. */
class CountingLazy extends LazyReader {
  reads = 0;
  constructor() {
    super("/nonexistent");
  }
  override cmdline(pid: number, _starttime: number): string | undefined {
    this.reads++;
    return `worker --id ${pid}`;
  }
}

const procs: FixtureProc[] = Array.from({ length: 1000 }, (_, k) => ({ pid: 1000 + k, comm: "worker", ppid: 1, starttime: 100 + k }));
const t = fixtureTable(procs);
const all = Int32Array.from({ length: t.count }, (_, i) => i);

function env(): ViewEnv & { lazy: CountingLazy } {
  return { lazy: new CountingLazy(), bootTime: 1_700_000_000, nowMs: 1_700_000_000_000 + 3600_000, userName: () => "root" };
}

describe("rows", () => {
  test("default limit: header, 40 rows, one line saying how many were left out", () => {
    const e = env();
    const lines = rowLines(t, all, parseColumns(undefined), e, { limit: DEFAULT_ROW_LIMIT, width: 100 });
    expect(lines).toHaveLength(1 + DEFAULT_ROW_LIMIT + 1);
    expect(lines[0]).toMatch(/^ *PID +PPID +PGRP +SID USER +S +AGE THR NAME +CMD$/);
    expect(lines[1]).toMatch(/^1000 +1 +1000 +1000 root S +59m59s +1 worker worker --id 1000$/);
    expect(lines.at(-1)).toBe("... 960 more processes not shown (1,000 match; --limit 0 shows all)");
    expect(e.lazy.reads).toBe(DEFAULT_ROW_LIMIT);
  });

  test("--limit 0 prints all, no 'left out' line; --limit 1 says 999", () => {
    expect(rowLines(t, all, parseColumns("pid"), env(), { limit: 0, width: 80 })).toHaveLength(1001);
    expect(rowLines(t, all, parseColumns("pid"), env(), { limit: 1, width: 80 }).at(-1)).toMatch(/^\.\.\. 999 more processes not shown/);
    expect(rowLines(t, all.subarray(0, 3), parseColumns("pid"), env(), { limit: 40, width: 80 })).toHaveLength(4);
  });

  test("rows fit the width: the last column is cut", () => {
    const lines = rowLines(t, all, parseColumns("pid,name,cmd"), env(), { limit: 5, width: 20 });
    for (const l of lines) expect(l.length).toBeLessThanOrEqual(20);
    expect(lines[1]).toBe("1000 worker worker +");
  });

  test("JSON: matched / shown / leftOut and typed values", () => {
    const e = env();
    const j = rowsJson(t, all, parseColumns("pid,age,cmd"), e, { limit: 2, selector: "name=worker" });
    expect(j).toEqual({
      view: "rows",
      selector: "name=worker",
      matched: 1000,
      shown: 2,
      leftOut: 998,
      columns: ["pid", "age", "cmd"],
      rows: [
        { pid: 1000, age: 3599, cmd: "worker --id 1000" },
        { pid: 1001, age: 3598, cmd: "worker --id 1001" },
      ],
    });
    expect(e.lazy.reads).toBe(2);
  });
});
