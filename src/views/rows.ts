/**
 * `ps SELECTOR`: one row per matching process, at most `limit` of them, and
 * a last line saying how many were left out. Lazy columns are read only for
 * the rows printed.
 */
import type { ProcTable } from "../proc/table.ts";
import type { Column } from "./columns.ts";
import type { ViewEnv } from "./env.ts";
import { clip, num } from "./format.ts";
import { layoutTable } from "./layout.ts";

export const DEFAULT_ROW_LIMIT = 40;

/** Lines for `rows` (table row indexes), no wider than `width`. limit 0 = all. */
export function rowLines(t: ProcTable, rows: Int32Array, cols: readonly Column[], env: ViewEnv, o: { limit: number; width: number }): string[] {
  const shown = o.limit > 0 ? Math.min(o.limit, rows.length) : rows.length;
  const cells: string[][] = [];
  for (let k = 0; k < shown; k++) {
    const r = rows[k]!;
    cells.push(cols.map((c) => c.text(t, r, env)));
  }
  const lines = layoutTable(cols, cells, o.width);
  const left = rows.length - shown;
  if (left > 0) lines.push(clip(`... ${num(left)} more ${left === 1 ? "process" : "processes"} not shown (${num(rows.length)} match; --limit 0 shows all)`, o.width));
  return lines;
}

/**
 * JSON payload of `ps SELECTOR --json`:
 *   { view: "rows", selector: string, matched: n, shown: n, leftOut: n,
 *     columns: [name...], rows: [{ <column name>: value, ... }],
 *     scan: { elapsedMs, vanished, denied } }
 * Values: numbers for ids and counts, age in seconds, start as ISO 8601 UTC,
 * null where unknown (process gone, no passwd entry is still the uid as text).
 */
export function rowsJson(t: ProcTable, rows: Int32Array, cols: readonly Column[], env: ViewEnv, o: { limit: number; selector: string }): Record<string, unknown> {
  const shown = o.limit > 0 ? Math.min(o.limit, rows.length) : rows.length;
  const out: Array<Record<string, unknown>> = [];
  for (let k = 0; k < shown; k++) {
    const r = rows[k]!;
    const rec: Record<string, unknown> = {};
    for (const c of cols) rec[c.name] = c.value(t, r, env);
    out.push(rec);
  }
  return { view: "rows", selector: o.selector, matched: rows.length, shown, leftOut: rows.length - shown, columns: cols.map((c) => c.name), rows: out };
}
