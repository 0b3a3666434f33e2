/**
 * The selector keys: one table that feeds the parser (which operators and
 * values each key takes), did-you-mean, help, and the compiler (which keys
 * need a lazy read per process).
 */
import type { LazyField } from "../proc/lazy.ts";
import type { Op } from "./ast.ts";

export type KeyName =
  | "name"
  | "user"
  | "uid"
  | "pid"
  | "ppid"
  | "pgrp"
  | "sid"
  | "tty"
  | "state"
  | "tree"
  | "cgroup"
  | "exe"
  | "cmd"
  | "age"
  | "threads";

/** How a key's values are read. */
export type ValueKind = "text" | "user" | "int" | "tty" | "state" | "duration";

export interface KeySpec {
  name: KeyName;
  aliases: string[];
  ops: readonly Op[];
  kind: ValueKind;
  /** Several values with commas (pid=1,2,3) for "=". */
  list: boolean;
  /** The file read per process to test it; undefined = from the scan itself. */
  lazy: LazyField | undefined;
  help: string;
}

const CMP: readonly Op[] = ["=", "<", ">", "<=", ">="];

export const KEYS: readonly KeySpec[] = [
  { name: "name", aliases: ["comm"], ops: ["=", "~"], kind: "text", list: true, lazy: undefined, help: "process name (comm): exact, glob (rogue*), or ~REGEX" },
  { name: "user", aliases: ["owner"], ops: ["="], kind: "user", list: true, lazy: undefined, help: "owner by name or uid" },
  { name: "uid", aliases: [], ops: CMP, kind: "int", list: true, lazy: undefined, help: "owner uid" },
  { name: "pid", aliases: [], ops: CMP, kind: "int", list: true, lazy: undefined, help: "process id" },
  { name: "ppid", aliases: ["parent"], ops: CMP, kind: "int", list: true, lazy: undefined, help: "parent process id" },
  { name: "pgrp", aliases: ["pgid"], ops: CMP, kind: "int", list: true, lazy: undefined, help: "process group id" },
  { name: "sid", aliases: ["session"], ops: CMP, kind: "int", list: true, lazy: undefined, help: "session id" },
  { name: "tty", aliases: ["tt"], ops: ["="], kind: "tty", list: true, lazy: undefined, help: "controlling terminal: pts/3, tty1, or ? for none" },
  { name: "state", aliases: ["stat", "s"], ops: ["="], kind: "state", list: true, lazy: undefined, help: "state letters, any of them: R S D Z T t I X" },
  { name: "tree", aliases: ["descendants"], ops: ["="], kind: "int", list: true, lazy: undefined, help: "this PID and all its descendants" },
  { name: "cgroup", aliases: ["cg"], ops: ["=", "~"], kind: "text", list: false, lazy: "cgroup", help: "cgroup path prefix (v2 path or any v1 path), or ~REGEX" },
  { name: "exe", aliases: [], ops: ["=", "~"], kind: "text", list: false, lazy: "exe", help: "executable path: exact, glob, or ~REGEX" },
  { name: "cmd", aliases: ["cmdline", "args"], ops: ["=", "~"], kind: "text", list: false, lazy: "cmdline", help: "command line: exact, glob, or ~REGEX" },
  { name: "age", aliases: ["etime"], ops: ["<", ">", "<=", ">="], kind: "duration", list: false, lazy: undefined, help: "time since start: age<30s, age>2h (s m h d)" },
  { name: "threads", aliases: ["nlwp"], ops: CMP, kind: "int", list: true, lazy: undefined, help: "number of threads" },
];

/** The spec of a key or alias (lower case), or undefined. */
export function findKey(word: string): KeySpec | undefined {
  const w = word.toLowerCase();
  return KEYS.find((k) => k.name === w || k.aliases.includes(w));
}

export function keySpec(name: KeyName): KeySpec {
  const k = KEYS.find((s) => s.name === name);
  if (k === undefined) throw new Error(`no selector key ${name}`);
  return k;
}

/** Every key and alias, for did-you-mean. */
export function allKeyWords(): string[] {
  return KEYS.flatMap((k) => [k.name, ...k.aliases]);
}
