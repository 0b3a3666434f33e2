/**
 * What `ps --by` groups on: a dense key per row (0..count-1) and a label per
 * key. name uses the table's interned nameId as it is (no copy); user,
 * session and pgrp remap their values densely; cgroup reads each process's
 * cgroup file (one read per row: the one --by that is not free).
 */
import { PidrescueError } from "../errors.ts";
import type { LazyReader } from "../proc/lazy.ts";
import { PID_MAX_LIMIT, type ProcTable } from "../proc/table.ts";
import { didYouMean } from "../cli/suggest.ts";
import { cgroupPathOf } from "./cgroup-path.ts";

export const GROUP_BYS = ["name", "user", "session", "pgrp", "cgroup"] as const;
export type GroupBy = (typeof GROUP_BYS)[number];

export interface GroupKeys {
  by: GroupBy;
  /** Key of each row; undefined = the table's nameId column. */
  key: Int32Array | undefined;
  /** Keys are 0 .. count-1. */
  count: number;
  label(key: number): string;
}

/** --by text (also "sid", "pgid", "uid", "comm", "cg") -> GroupBy; a usage error otherwise. */
export function parseGroupBy(text: string | undefined): GroupBy {
  if (text === undefined) return "name";
  const w = text.trim().toLowerCase();
  const alias: Record<string, GroupBy> = { comm: "name", uid: "user", owner: "user", sid: "session", pgid: "pgrp", cg: "cgroup" };
  const by = (GROUP_BYS as readonly string[]).includes(w) ? (w as GroupBy) : alias[w];
  if (by !== undefined) return by;
  const guess = didYouMean(w, [...GROUP_BYS]);
  throw new PidrescueError("USAGE", `--by takes ${GROUP_BYS.join(", ")}, not '${text}'${guess ? ` (did you mean '${guess}'?)` : ""}`);
}

export interface KeyEnv {
  userName(uid: number): string;
  lazy: LazyReader;
  /** Called every 1024 rows while reading cgroup files (progress). */
  onProgress?: (done: number, total: number) => void;
}

export function groupKeys(t: ProcTable, by: GroupBy, env: KeyEnv): GroupKeys {
  switch (by) {
    case "name":
      return { by, key: undefined, count: t.names.size, label: (k) => t.names.text(k) };
    case "user":
      return uidKeys(t, env);
    case "session":
      return pidValueKeys(t, by, t.sid);
    case "pgrp":
      return pidValueKeys(t, by, t.pgrp);
    case "cgroup":
      return cgroupKeys(t, env);
  }
}

function uidKeys(t: ProcTable, env: KeyEnv): GroupKeys {
  const key = new Int32Array(t.count);
  const ids = new Map<number, number>();
  const values: number[] = [];
  let last = -1;
  let k = 0;
  for (let i = 0; i < t.count; i++) {
    const u = t.uid[i]!;
    if (u !== last) {
      last = u;
      let v = ids.get(u);
      if (v === undefined) {
        v = values.length;
        ids.set(u, v);
        values.push(u);
      }
      k = v;
    }
    key[i] = k;
  }
  return { by: "user", key, count: values.length, label: (x) => env.userName(values[x]!) };
}

/** sid / pgrp: values are PIDs (0 inside a namespace when the leader is outside it). */
function pidValueKeys(t: ProcTable, by: GroupBy, col: Int32Array): GroupKeys {
  const key = new Int32Array(t.count);
  const dense = new Int32Array(Math.min(PID_MAX_LIMIT, Math.max(t.maxPid(), 1)) + 1);
  const far = new Map<number, number>();
  const values: number[] = [];
  for (let i = 0; i < t.count; i++) {
    const v = col[i]!;
    let k: number;
    if (v >= 0 && v < dense.length) {
      k = dense[v]! - 1;
      if (k < 0) {
        k = values.length;
        values.push(v);
        dense[v] = k + 1;
      }
    } else {
      const f = far.get(v);
      if (f === undefined) {
        k = values.length;
        values.push(v);
        far.set(v, k);
      } else k = f;
    }
    key[i] = k;
  }
  return {
    by,
    key,
    count: values.length,
    label: (x) => {
      const v = values[x]!;
      const leader = v > 0 ? t.indexOf(v) : -1;
      return leader >= 0 ? `${v} ${t.name(leader)}` : v === 0 ? "0 (outside)" : String(v);
    },
  };
}

function cgroupKeys(t: ProcTable, env: KeyEnv): GroupKeys {
  const key = new Int32Array(t.count);
  const ids = new Map<string, number>();
  const paths: string[] = [];
  for (let i = 0; i < t.count; i++) {
    if (env.onProgress !== undefined && (i & 1023) === 1023) env.onProgress(i + 1, t.count);
    const m = env.lazy.cgroup(t.pid[i]!, t.starttime[i]!);
    const p = (m === undefined ? undefined : cgroupPathOf(m)) ?? "?";
    let k = ids.get(p);
    if (k === undefined) {
      k = paths.length;
      ids.set(p, k);
      paths.push(p);
    }
    key[i] = k;
  }
  return { by: "cgroup", key, count: paths.length, label: (x) => paths[x]! };
}
