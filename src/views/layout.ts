/**
 * A plain-text table that fits the terminal: each column as wide as its
 * widest cell (capped), the last column takes what is left and is cut,
 * and no line is ever wider than the terminal.
 */
import { clip } from "./format.ts";

export interface LayoutColumn {
  header: string;
  align: "left" | "right";
  /** Cap for a column that is not the last one. */
  max: number;
}

/** Lines of a table (header first) no wider than `width`. Cells must be terminal-safe text. */
export function layoutTable(cols: readonly LayoutColumn[], cells: readonly (readonly string[])[], width: number): string[] {
  const n = cols.length;
  const w = cols.map((c) => c.header.length);
  for (const row of cells) {
    for (let j = 0; j < n; j++) {
      const len = (row[j] ?? "").length;
      if (len > w[j]!) w[j] = len;
    }
  }
  for (let j = 0; j < n - 1; j++) w[j] = Math.min(w[j]!, Math.max(cols[j]!.max, cols[j]!.header.length));
  let used = 0;
  for (let j = 0; j < n - 1; j++) used += w[j]! + 1;
  if (n > 0) w[n - 1] = Math.max(cols[n - 1]!.header.length, Math.min(w[n - 1]!, width - used));
  const line = (row: readonly string[]): string => {
    let s = "";
    for (let j = 0; j < n; j++) {
      const cell = clip(row[j] ?? "", w[j]!);
      const last = j === n - 1;
      const padded = cols[j]!.align === "right" ? cell.padStart(w[j]!) : last ? cell : cell.padEnd(w[j]!);
      s += (j === 0 ? "" : " ") + padded;
    }
    return clip(s.trimEnd(), width);
  };
  return [line(cols.map((c) => c.header)), ...cells.map(line)];
}
