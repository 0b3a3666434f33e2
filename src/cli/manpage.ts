/**
 * The man page pidrescue(8), generated in roff from the same sources as
 * `help`: the command registry (COMMANDS, GLOBAL_ARGS), the REPL-only
 * commands and the selector lines of help.ts, and the exit codes of
 * errors.ts, so the page cannot drift from the binary. Used by
 * scripts/release.ts for the .deb; the binary itself never loads it.
 */
import type { ArgDef } from "citty";
import { ExitCode } from "../errors.ts";
import { COMMANDS, GLOBAL_ARGS, type CommandSpec } from "./registry.ts";
import { REPL_ONLY, flagSpelling, mainHelp } from "./help.ts";

export interface ManPageInfo {
  version: string;
  /** YYYY-MM-DD for the footer. */
  date: string;
}

/** What each exit code means; keyed by ExitCode's names so a new code without text fails to typecheck. */
export const EXIT_CODE_TEXT: Record<keyof typeof ExitCode, string> = {
  Ok: "The command did what was asked.",
  NothingMatched: "A selector matched no process.",
  Usage: "Bad command line, bad selector, unknown command or flag.",
  Partial: "Partly done: survivors remain, or some signals failed (EPERM).",
  Aborted: "The admin, or a safety check, aborted before anything was sent.",
  Environment: "The environment is unusable: no /proc, a bad --proc-root, an internal fault.",
};

export function manPage(info: ManPageInfo): string {
  const l: string[] = [
    `.TH PIDRESCUE 8 "${info.date}" "pidrescue ${esc(info.version)}" "System Administration"`,
    ".SH NAME",
    "pidrescue \\- rescue a Linux machine whose process table is full, without forking",
    ".SH SYNOPSIS",
    ".B exec pidrescue",
    ".br",
    ".B pidrescue",
    "\\fICOMMAND\\fR [\\fIARGS\\fR] [\\fIFLAGS\\fR]",
    ".SH DESCRIPTION",
    "When pid_max, a pids cgroup or RLIMIT_NPROC is exhausted, no new process or thread can start:",
    "not even",
    ".BR ps (1)",
    "or",
    ".BR kill (1).",
    "Run",
    ".B exec pidrescue",
    "from the starved shell: it replaces the shell in place, never creates a process or a thread,",
    "shows what fills the table, stops the rogue processes with SIGSTOP until nothing new appears,",
    "kills them with SIGKILL, verifies that the slots are free, and hands back a shell with",
    ".BR execve (2).",
    ".PP",
    "Without a command, pidrescue reads commands interactively on a terminal (the REPL), or as a script from standard input.",
    "The",
    ".B doctor",
    "command shows that it runs with exactly one thread.",
    ".SH COMMANDS",
    ...COMMANDS.flatMap(commandEntry),
    ".SH REPL COMMANDS",
    "These exist only inside the REPL and in scripts on standard input:",
    ...REPL_ONLY.flatMap((c) => [".TP", `.B ${esc(c.name)}${c.synopsis ? ` ${esc(c.synopsis)}` : ""}`, esc(sentence(c.summary))]),
    ".SH OPTIONS",
    "Every command accepts these flags:",
    ...Object.entries(GLOBAL_ARGS).flatMap(([name, a]) => flagEntry(name, a)),
    ".SH SELECTORS",
    ".nf",
    ...selectorLines().map(esc),
    ".fi",
    ".SH EXIT STATUS",
    ...Object.entries(ExitCode).flatMap(([name, code]) => [".TP", `.B ${code}`, esc(EXIT_CODE_TEXT[name as keyof typeof ExitCode])]),
    ".SH ENVIRONMENT",
    ".TP",
    ".B NO_COLOR",
    "Turns colour off, like \\-\\-no\\-color.",
    ".TP",
    ".B SHELL",
    "The shell that",
    ".B shell",
    "execs (else the passwd entry, else /bin/sh).",
    ".TP",
    ".BR BUN_* \", NODE_OPTIONS, MIMALLOC_*\"",
    "Removed at start-up, so that they cannot turn the JIT or helper threads back on; restored for the shell that",
    ".B shell",
    "starts.",
    ".SH FILES",
    ".TP",
    ".I /var/log/pidrescue.log",
    "The journal of every signal sent (falls back to $HOME when /var/log is not writable; see \\-\\-journal).",
    ".SH EXAMPLES",
    ".nf",
    "exec pidrescue                      # from the starved shell",
    "pidrescue ps                        # what fills the process table",
    "pidrescue rescue name=rogue.sh \\-\\-dry\\-run",
    "pidrescue \\-\\-rescue 'user=bob and name=make' \\-\\-yes",
    ".fi",
    ".SH SEE ALSO",
    ".BR kill (1),",
    ".BR ps (1),",
    ".BR proc (5),",
    ".BR cgroups (7),",
    ".BR execve (2)",
  ];
  return `${l.join("\n")}\n`;
}

function commandEntry(c: CommandSpec): string[] {
  const lines = [".TP", `.B ${esc(c.name)}${c.synopsis ? ` ${esc(c.synopsis)}` : ""}`, esc(sentence(c.summary))];
  for (const d of c.details) lines.push(".br", esc(d));
  if (c.aliases.length > 0) lines.push(".br", `Aliases: ${esc(c.aliases.join(", "))}.`);
  if (!c.oneShot) lines.push(".br", "Only in the REPL.");
  const flags = Object.entries(c.args).filter(([, a]) => a.type !== "positional");
  if (flags.length > 0) {
    lines.push(".RS");
    for (const [name, a] of flags) lines.push(...flagEntry(name, a));
    lines.push(".RE");
  }
  return lines;
}

function flagEntry(name: string, a: ArgDef): string[] {
  return [".TP", `.B ${esc(flagSpelling(name, a))}`, esc(sentence(a.description ?? ""))];
}

/** The selector syntax block of the main help (from "SELECTOR" up to "FLAGS"). */
export function selectorLines(): string[] {
  const help = mainHelp().split("\n");
  const start = help.findIndex((x) => x.startsWith("SELECTOR"));
  if (start < 0) return [];
  const end = help.findIndex((x, i) => i > start && !x.startsWith(" "));
  return help.slice(start, end < 0 ? undefined : end).map((x) => x.replace(/^(SELECTOR)?\s+/, ""));
}

/** Escape text for roff: backslashes, hyphens (so flags copy as ASCII), and a leading dot or quote. */
export function esc(s: string): string {
  const t = s.replace(/\\/g, "\\e").replace(/-/g, "\\-");
  return /^[.']/.test(t) ? `\\&${t}` : t;
}

function sentence(s: string): string {
  if (s === "") return s;
  const first = s.charAt(0).toUpperCase() + s.slice(1);
  return /[.!?]$/.test(first) ? first : `${first}.`;
}
