/**
 * The column registry of `ps SELECTOR` rows: one entry per column, the
 * single source for --columns validation (did-you-mean), `ps --list`, the
 * help text and the JSON keys. Columns marked lazy read one file per shown
 * row (cmdline, exe, cgroup); the rest come from the scan itself.
 * Pure data and small closures: nothing is read when this module loads.
 */
import { PidrescueError } from "../errors.ts";
import { ageSeconds, CLK_TCK } from "../proc/clock.ts";
import type { LazyField } from "../proc/lazy.ts";
import { type ProcTable, UID_UNKNOWN } from "../proc/table.ts";
import { ttyName } from "../proc/tty.ts";
import { didYouMean } from "../cli/suggest.ts";
import { cgroupPathOf } from "./cgroup-path.ts";
import type { ViewEnv } from "./env.ts";
import { fmtAge, fmtStart, safeText } from "./format.ts";

/** A JSON cell. */
export type CellValue = string | number | boolean | null;

export interface Column {
  name: string;
  aliases: readonly string[];
  header: string;
  description: string;
  align: "left" | "right";
  /** Widest the column gets when it is not the last one. */
  max: number;
  /** The file read per shown row, if any. */
  lazy: LazyField | undefined;
  /** The value for --json. */
  value(t: ProcTable, row: number, env: ViewEnv): CellValue;
  /** The text cell (terminal-safe). */
  text(t: ProcTable, row: number, env: ViewEnv): string;
}

type IntArray = "pid" | "ppid" | "pgrp" | "sid" | "tpgid" | "threads";

function intCol(name: string, header: string, description: string, key: IntArray, aliases: string[] = []): Column {
  return {
    name, aliases, header, description, align: "right", max: 10, lazy: undefined,
    value: (t, r) => t[key][r]!,
    text: (t, r) => String(t[key][r]!),
  };
}

function ageOf(t: ProcTable, r: number, env: ViewEnv): number | null {
  return env.bootTime === undefined ? null : Math.max(0, Math.floor(ageSeconds(t.starttime[r]!, env.bootTime, env.nowMs)));
}

function startMs(t: ProcTable, r: number, env: ViewEnv): number | null {
  return env.bootTime === undefined ? null : (env.bootTime + t.starttime[r]! / CLK_TCK) * 1000;
}

function cmdText(t: ProcTable, r: number, env: ViewEnv): string | null {
  const c = env.lazy.cmdline(t.pid[r]!, t.starttime[r]!);
  return c === undefined ? null : c;
}

/** Every column, in `ps --list` order. */
export const COLUMNS: readonly Column[] = [
  intCol("pid", "PID", "process id", "pid"),
  intCol("ppid", "PPID", "parent process id", "ppid", ["parent"]),
  intCol("pgrp", "PGRP", "process group id", "pgrp", ["pgid"]),
  intCol("sid", "SID", "session id", "sid", ["session"]),
  {
    name: "tty", aliases: ["tt"], header: "TTY", description: "controlling terminal (? for none)", align: "left", max: 10, lazy: undefined,
    value: (t, r) => (t.tty[r] === 0 ? null : ttyName(t.tty[r]!)),
    text: (t, r) => ttyName(t.tty[r]!),
  },
  intCol("tpgid", "TPGID", "foreground process group of the terminal (-1: none)", "tpgid"),
  {
    name: "user", aliases: ["owner"], header: "USER", description: "owner's name (uid when passwd has none)", align: "left", max: 12, lazy: undefined,
    value: (t, r, e) => (t.uid[r] === UID_UNKNOWN ? null : e.userName(t.uid[r]!)),
    text: (t, r, e) => safeText(e.userName(t.uid[r]!)),
  },
  {
    name: "uid", aliases: [], header: "UID", description: "owner's uid", align: "right", max: 10, lazy: undefined,
    value: (t, r) => (t.uid[r] === UID_UNKNOWN ? null : t.uid[r]!),
    text: (t, r) => (t.uid[r] === UID_UNKNOWN ? "?" : String(t.uid[r]!)),
  },
  {
    name: "state", aliases: ["s", "stat"], header: "S", description: "state letter: R S D Z T t I X", align: "left", max: 1, lazy: undefined,
    value: (t, r) => t.stateChar(r),
    text: (t, r) => t.stateChar(r),
  },
  intCol("threads", "THR", "number of threads", "threads", ["nlwp"]),
  {
    name: "age", aliases: ["etime"], header: "AGE", description: "time since start (seconds in JSON)", align: "right", max: 8, lazy: undefined,
    value: ageOf,
    text: (t, r, e) => {
      const a = ageOf(t, r, e);
      return a === null ? "?" : fmtAge(a);
    },
  },
  {
    name: "start", aliases: ["stime"], header: "START", description: "start time (ISO 8601 UTC in JSON)", align: "left", max: 10, lazy: undefined,
    value: (t, r, e) => {
      const ms = startMs(t, r, e);
      return ms === null ? null : new Date(ms).toISOString();
    },
    text: (t, r, e) => {
      const ms = startMs(t, r, e);
      return ms === null ? "?" : fmtStart(ms, e.nowMs);
    },
  },
  {
    name: "starttime", aliases: [], header: "TICKS", description: "start in clock ticks after boot (the PID-reuse guard)", align: "right", max: 14, lazy: undefined,
    value: (t, r) => t.starttime[r]!,
    text: (t, r) => String(t.starttime[r]!),
  },
  {
    name: "name", aliases: ["comm"], header: "NAME", description: "process name (comm, 15 bytes)", align: "left", max: 20, lazy: undefined,
    value: (t, r) => t.name(r),
    text: (t, r) => t.name(r),
  },
  {
    name: "flags", aliases: ["f"], header: "FLAGS", description: "kernel task flags (hex)", align: "right", max: 10, lazy: undefined,
    value: (t, r) => t.flags[r]!,
    text: (t, r) => `0x${t.flags[r]!.toString(16).padStart(8, "0")}`,
  },
  {
    name: "kthread", aliases: ["kernel"], header: "K", description: "k for a kernel thread", align: "left", max: 1, lazy: undefined,
    value: (t, r) => t.isKernelThread(r),
    text: (t, r) => (t.isKernelThread(r) ? "k" : ""),
  },
  {
    name: "cmd", aliases: ["cmdline", "args"], header: "CMD", description: "command line ([name] when empty) - reads cmdline", align: "left", max: 60, lazy: "cmdline",
    value: cmdText,
    text: (t, r, e) => {
      const c = cmdText(t, r, e);
      return c === null ? "-" : c === "" ? `[${t.name(r)}]` : safeText(c);
    },
  },
  {
    name: "exe", aliases: [], header: "EXE", description: "executable path - reads the exe link", align: "left", max: 50, lazy: "exe",
    value: (t, r, e) => e.lazy.exe(t.pid[r]!, t.starttime[r]!) ?? null,
    text: (t, r, e) => safeText(e.lazy.exe(t.pid[r]!, t.starttime[r]!) ?? "-"),
  },
  {
    name: "cgroup", aliases: ["cg"], header: "CGROUP", description: "cgroup (v1 pids path, else v2) - reads cgroup", align: "left", max: 50, lazy: "cgroup",
    value: (t, r, e) => cgroupOf(t, r, e) ?? null,
    text: (t, r, e) => safeText(cgroupOf(t, r, e) ?? "-"),
  },
];

function cgroupOf(t: ProcTable, r: number, e: ViewEnv): string | undefined {
  const m = e.lazy.cgroup(t.pid[r]!, t.starttime[r]!);
  return m === undefined ? undefined : cgroupPathOf(m);
}

/** Columns of `ps SELECTOR` when --columns is not given. */
export const DEFAULT_COLUMNS = ["pid", "ppid", "pgrp", "sid", "user", "state", "age", "threads", "name", "cmd"] as const;

/** The column of a name or alias (any case), or undefined. */
export function findColumn(word: string): Column | undefined {
  const w = word.toLowerCase();
  return COLUMNS.find((c) => c.name === w || c.aliases.includes(w));
}

/**
 * --columns text -> columns. "a,b,c" replaces the defaults; "+a,b" adds to
 * them. Unknown names are a usage error with a suggestion.
 */
export function parseColumns(text: string | undefined): Column[] {
  if (text === undefined) return DEFAULT_COLUMNS.map((n) => findColumn(n)!);
  const add = text.trim().startsWith("+");
  const words = text.replace(/^\s*\+/, "").split(/[\s,]+/).filter((w) => w !== "");
  if (words.length === 0) throw new PidrescueError("USAGE", "--columns needs at least one column name", LIST_HINT);
  const out: Column[] = add ? DEFAULT_COLUMNS.map((n) => findColumn(n)!) : [];
  for (const w of words) {
    const c = findColumn(w);
    if (c === undefined) {
      const guess = didYouMean(w, COLUMNS.flatMap((k) => [k.name, ...k.aliases]));
      throw new PidrescueError("USAGE", `unknown column '${w}'${guess ? ` (did you mean '${guess}'?)` : ""}`, LIST_HINT);
    }
    if (!out.includes(c)) out.push(c);
  }
  return out;
}

const LIST_HINT = "`pidrescue ps --list` shows every column";

/** `ps --list`: one line per column. */
export function columnListText(): string[] {
  const w = Math.max(...COLUMNS.map((c) => c.name.length));
  return COLUMNS.map((c) => {
    const aka = c.aliases.length > 0 ? ` (also ${c.aliases.join(", ")})` : "";
    return `${c.name.padEnd(w)}  ${c.description}${aka}`;
  });
}

/** For help: "columns: pid ppid ...". */
export function columnNamesLine(): string {
  return `columns: ${COLUMNS.map((c) => c.name).join(" ")}`;
}
