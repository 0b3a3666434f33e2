/** select(): the rows of a table a selector matches, in table order. */
import { PidrescueError } from "../errors.ts";
import type { ProcTable } from "../proc/table.ts";
import type { Selector } from "./ast.ts";
import { compileSelector, type CompiledSelector } from "./compile.ts";
import { describe } from "./describe.ts";
import { defaultEnv, type SelectEnv } from "./env.ts";

/** Row indexes (ascending) of the processes `sel` matches. */
export function select(table: ProcTable, sel: Selector, env: SelectEnv): Int32Array {
  return selectRows(table, compileSelector(sel, table, env));
}

export function selectRows(table: ProcTable, c: CompiledSelector): Int32Array {
  let out = new Int32Array(64);
  let n = 0;
  const test = c.test;
  for (let r = 0; r < table.count; r++) {
    if (!test(r)) continue;
    if (n === out.length) {
      const bigger = new Int32Array(n * 2);
      bigger.set(out);
      out = bigger;
    }
    out[n++] = r;
  }
  return out.subarray(0, n);
}

/** Throw NOTHING_MATCHED (exit 1) with the selector's text when nothing matched. */
export function requireMatches(rows: Int32Array, sel: Selector): Int32Array {
  if (rows.length === 0) throw new PidrescueError("NOTHING_MATCHED", `no process matches ${describe(sel)}`);
  return rows;
}

export interface CompileOptions {
  table: ProcTable;
  procRoot: string;
  /** Overrides for defaultEnv(procRoot) (a shared LazyReader, a fixed "now", test users). */
  env?: SelectEnv;
}

/** Convenience: a row predicate for one table with the default environment of procRoot. */
export function compile(sel: Selector, o: CompileOptions): (row: number) => boolean {
  const env = { ...defaultEnv(o.procRoot), ...o.env };
  return compileSelector(sel, o.table, env).test;
}
