/**
 * The command registry: one entry per command, the single source for the
 * one-shot CLI (citty), the REPL, `help`, did-you-mean and the man page.
 * Implementations are loaded lazily (require inside `load`), so start-up
 * parses only what the chosen command needs.
 */
import type { ArgsDef, ParsedArgs } from "citty";
import type { ExitCode } from "../errors.ts";
import type { RunContext } from "./context.ts";

export type CommandRun = (args: ParsedArgs<ArgsDef>, ctx: RunContext) => ExitCode | Promise<ExitCode>;

export interface CommandSpec {
  name: string;
  aliases: string[];
  /** One line for `help` and the man page. */
  summary: string;
  /** Synopsis after the command name, e.g. "[SELECTOR] [--columns LIST]". */
  synopsis: string;
  /** A few lines of detail for `help CMD` and the man page. */
  details: string[];
  args: ArgsDef;
  /** Where it can be used. */
  oneShot: boolean;
  repl: boolean;
  /** Takes the rest of the line as a selector (joined by spaces). */
  takesSelector: boolean;
  load(): CommandRun;
}

/** Flags every command accepts; parsed before the command's own. */
export const GLOBAL_ARGS = {
  "proc-root": { type: "string", description: "procfs root (a fixture tree for tests)", valueHint: "DIR" },
  json: { type: "boolean", description: "machine-readable JSON on stdout" },
  yes: { type: "boolean", alias: "y", description: "do not ask for confirmation" },
  "dry-run": { type: "boolean", alias: "n", description: "print the plan, send no signal" },
  journal: { type: "string", description: "journal file (default /var/log/pidrescue.log, then $HOME)", valueHint: "PATH" },
  boost: { type: "boolean", default: true, description: "raise own CPU priority (--no-boost to keep it)" },
  color: { type: "boolean", default: true, description: "colour on a TTY (--no-color, or NO_COLOR, to turn off)" },
  rescue: { type: "string", description: "one-shot rescue of SELECTOR (same as `rescue SELECTOR`)", valueHint: "SELECTOR" },
  help: { type: "boolean", alias: "h", description: "show help" },
  version: { type: "boolean", alias: "V", description: "print version and git revision" },
} as const satisfies ArgsDef;

const selectorArg = {
  type: "positional",
  required: false,
  description: "process selector, e.g. name=rogue.sh, 'user=bob and state=R'",
  valueHint: "SELECTOR",
} as const;

const maxRounds = {
  type: "string",
  description: "bound on per-PID freeze sweeps (default 64)",
  valueHint: "N",
} as const;

const includeProtected = {
  type: "boolean",
  description: "also signal matching system daemons (never itself, its ancestors, PID 1 or kernel threads)",
} as const;

export const COMMANDS: CommandSpec[] = [
  {
    name: "ps",
    aliases: ["list", "ls"],
    summary: "summary grouped by name; rows for a selector",
    synopsis: "[SELECTOR] [--by name|user|session|pgrp|cgroup] [--columns LIST] [--limit N] [--list]",
    // A getter: the column names come from the views' registry, loaded only when help is shown.
    get details(): string[] {
      const cols = require("../views/columns.ts") as typeof import("../views/columns.ts");
      return [
        "Without a selector: one line per group, biggest first, so the offender is on top.",
        "With a selector: one row per matching process (at most --limit, default 40).",
        `${cols.columnNamesLine()} (--list explains them; +a,b adds to the defaults)`,
      ];
    },
    args: {
      selector: selectorArg,
      by: { type: "string", description: "group the summary by name, user, session, pgrp or cgroup", valueHint: "KEY" },
      columns: { type: "string", alias: "o", description: "comma-separated columns for rows", valueHint: "LIST" },
      limit: { type: "string", description: "at most N rows or groups (0 = all)", valueHint: "N" },
      list: { type: "boolean", description: "list the columns --columns accepts" },
      kernel: { type: "boolean", description: "count kernel threads as groups in the summary" },
    },
    oneShot: true,
    repl: true,
    takesSelector: true,
    load: () => (require("../commands/ps.ts") as typeof import("../commands/ps.ts")).run,
  },
  {
    name: "tree",
    aliases: [],
    summary: "ancestors and descendants of a PID or selection",
    synopsis: "PID|SELECTOR [--depth N]",
    details: ["Shows the chain from PID 1 down to each match and the match's descendants."],
    args: {
      selector: { ...selectorArg, description: "a PID, or a selector" },
      depth: { type: "string", description: "descendant depth to show (default 3)", valueHint: "N" },
    },
    oneShot: true,
    repl: true,
    takesSelector: true,
    load: () => (require("../commands/tree.ts") as typeof import("../commands/tree.ts")).run,
  },
  {
    name: "limits",
    aliases: ["why"],
    summary: "which limit is full (pid_max, pids cgroup, RLIMIT_NPROC) and by whom",
    synopsis: "",
    details: ["Compares kernel pid_max and threads-max, each pids cgroup on the path of the big groups, and RLIMIT_NPROC, with the live task counts."],
    args: {},
    oneShot: true,
    repl: true,
    takesSelector: false,
    load: () => (require("../commands/limits.ts") as typeof import("../commands/limits.ts")).run,
  },
  {
    name: "freeze",
    aliases: ["stop"],
    summary: "SIGSTOP a selection until nothing new appears",
    synopsis: "SELECTOR [--max-rounds N]",
    details: ["Uses process-group and cgroup freezes where they cover only matches, then per-PID sweeps to a fixed point."],
    args: { selector: { ...selectorArg, required: true }, "max-rounds": maxRounds, "include-protected": includeProtected },
    oneShot: true,
    repl: true,
    takesSelector: true,
    load: () => (require("../commands/freeze.ts") as typeof import("../commands/freeze.ts")).run,
  },
  {
    name: "kill",
    aliases: [],
    summary: "SIGKILL frozen matches, then verify the slots are free",
    synopsis: "SELECTOR",
    details: ["Only processes confirmed stopped with the same starttime get SIGKILL; freeze first (or use rescue)."],
    args: { selector: { ...selectorArg, required: true }, "include-protected": includeProtected },
    oneShot: true,
    repl: true,
    takesSelector: true,
    load: () => (require("../commands/kill.ts") as typeof import("../commands/kill.ts")).run,
  },
  {
    name: "thaw",
    aliases: ["cont", "resume"],
    summary: "SIGCONT a selection (undo a freeze)",
    synopsis: "SELECTOR",
    details: ["Also thaws cgroups this session froze."],
    args: { selector: { ...selectorArg, required: true } },
    oneShot: true,
    repl: true,
    takesSelector: true,
    load: () => (require("../commands/thaw.ts") as typeof import("../commands/thaw.ts")).run,
  },
  {
    name: "rescue",
    aliases: [],
    summary: "plan, freeze to a fixed point, kill, verify, report",
    synopsis: "SELECTOR [--dry-run] [--yes] [--max-rounds N]",
    details: ["Shows the plan (strategies, protected processes) and asks before sending anything, unless --yes."],
    args: { selector: { ...selectorArg, required: true }, "max-rounds": maxRounds, "include-protected": includeProtected },
    oneShot: true,
    repl: true,
    takesSelector: true,
    load: () => (require("../commands/rescue.ts") as typeof import("../commands/rescue.ts")).run,
  },
  {
    name: "journal",
    aliases: ["log", "history"],
    summary: "what this session did, and where the journal file is",
    synopsis: "[--tail N]",
    details: [],
    args: { tail: { type: "string", description: "last N lines of the journal file", valueHint: "N" } },
    oneShot: true,
    repl: true,
    takesSelector: false,
    load: () => (require("../commands/journal.ts") as typeof import("../commands/journal.ts")).run,
  },
  {
    name: "doctor",
    aliases: ["selftest"],
    summary: "own thread count, runtime mode, priority, kernel features",
    synopsis: "",
    details: ["Reads /proc/self/task: it must say 1 thread."],
    args: {
      stress: {
        type: "string",
        description: "diagnostic: allocate heavily and re-read /proc for SECONDS, printing the thread count each second",
        valueHint: "SECONDS",
      },
    },
    oneShot: true,
    repl: true,
    takesSelector: false,
    load: () => (require("../commands/doctor.ts") as typeof import("../commands/doctor.ts")).run,
  },
  {
    name: "shell",
    aliases: ["sh"],
    summary: "replace pidrescue with a shell (execve, no fork)",
    synopsis: "[PATH]",
    details: ["Takes $SHELL, else your passwd entry, else /bin/sh. Priority goes back to normal first."],
    args: { path: { type: "positional", required: false, description: "shell to exec", valueHint: "PATH" } },
    oneShot: false,
    repl: true,
    takesSelector: false,
    load: () => (require("../commands/shell.ts") as typeof import("../commands/shell.ts")).run,
  },
];

export function findCommand(name: string): CommandSpec | undefined {
  return COMMANDS.find((c) => c.name === name || c.aliases.includes(name));
}
