/** Types and small shared pieces of the summary (summary.ts and its two detail paths). */
import type { GroupKeys } from "./group-keys.ts";

/** State letters in the order a summary shows them; others follow in code order. */
export const STATE_ORDER = "RDSTtZIXxKWP";

export interface SummaryOptions {
  keys: GroupKeys;
  /** Count kernel threads as groups too (default: hidden, only counted). */
  kernelThreads?: boolean;
  /** Summarise only these rows (a selection), else the whole table. */
  rows?: Int32Array;
  /** Detail this many of the biggest groups (0 = all), or a function of the group count. The rest is only counted. */
  detail: number | ((groupCount: number) => number);
}

export interface GroupSummary {
  key: number;
  label: string;
  count: number;
  /** Sum of num_threads of the members. */
  tasks: number;
  /** [letter, count], most important letters first (STATE_ORDER). */
  states: Array<[string, number]>;
  /** Distinct owner uids in order of first appearance (at most MAX_UIDS kept). */
  uids: number[];
  userCount: number;
  sessions: number;
  pgrps: number;
  /** starttime (ticks after boot) of the oldest and the newest member. */
  oldestStart: number;
  newestStart: number;
  /** A member's row (the first in table order): for a cgroup sample. */
  firstRow: number;
  /** The most common names among the members (at most 3), for keys other than name. */
  names: Array<{ nameId: number; count: number }>;
  nameCount: number;
}

export interface Summary {
  by: GroupKeys["by"];
  /** Rows looked at (the table, or the selection). */
  rows: number;
  /** Rows counted in groups (kernel threads excluded unless asked). */
  processes: number;
  /** Sum of num_threads over every row looked at, kernel threads included: tasks holding a PID. */
  tasks: number;
  kernelThreads: number;
  kernelHidden: boolean;
  groupCount: number;
  /** The detailed groups, biggest first (ties: first seen first). */
  groups: GroupSummary[];
  /** Groups not detailed, and their processes. */
  rest: { groups: number; processes: number };
}

export const MAX_UIDS = 8;
export const NO_NAMES: Array<{ nameId: number; count: number }> = [];

/** [letter, count] of the letters seen, most important first. */
export function statesOf(counts: Int32Array, seen: number[]): Array<[string, number]> {
  if (seen.length === 1) return [[String.fromCharCode(seen[0]!), counts[seen[0]!]!]];
  const letters = seen.map((c) => String.fromCharCode(c));
  const rank = (l: string): number => {
    const i = STATE_ORDER.indexOf(l);
    return i < 0 ? 100 + l.charCodeAt(0) : i;
  };
  letters.sort((a, b) => rank(a) - rank(b));
  return letters.map((l) => [l, counts[l.charCodeAt(0)]!]);
}
