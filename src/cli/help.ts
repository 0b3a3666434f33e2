/**
 * Help texts, all generated from the command registry (so `help`, usage
 * errors and the man page cannot drift apart). `help` fits one 24-line screen.
 */
import type { ArgDef } from "citty";
import { COMMANDS, GLOBAL_ARGS, type CommandSpec } from "./registry.ts";

/** Commands that exist only inside the REPL (not one-shot subcommands). */
export const REPL_ONLY: ReadonlyArray<{ name: string; synopsis: string; summary: string }> = [
  { name: "loop", synopsis: "N|until-stable COMMAND", summary: "repeat a command N times, or until it changes nothing" },
  { name: "help", synopsis: "[COMMAND]", summary: "this screen, or one command's details" },
  { name: "exit", synopsis: "", summary: "leave (warns if processes are still frozen)" },
];

export function usageLine(spec: CommandSpec | undefined): string {
  if (!spec) return "usage: pidrescue COMMAND ...";
  return `usage: pidrescue ${spec.name}${spec.synopsis ? ` ${spec.synopsis}` : ""}`;
}

export function mainHelp(): string {
  const lines: string[] = [
    "pidrescue - rescue a machine whose process table is full (never forks)",
    "usage: pidrescue [COMMAND [ARGS]] [FLAGS]    no command: REPL on a TTY, else script on stdin",
    "",
  ];
  for (const c of COMMANDS) lines.push(`  ${pad(c.name, 8)}${c.summary}`);
  for (const c of REPL_ONLY) lines.push(`  ${pad(c.name, 8)}${c.summary}`);
  lines.push(
    "",
    "SELECTOR  name=rogue.sh  name~'^rogue'  user=bob  pid=1234  ppid= pgrp= sid= tty= state=R",
    "          tree=PID  cgroup=PATH  exe=PATH  cmd~=REGEX  age<5m  threads>10",
    "          combine with and / or / not, ! and ( ); quote values with spaces",
    "FLAGS     --json --yes --dry-run --journal PATH --proc-root DIR --no-boost --no-color",
    "          --rescue SELECTOR (one-shot)  --version   `help COMMAND` for details",
  );
  return lines.join("\n");
}

export function commandHelp(spec: CommandSpec): string {
  const lines = [usageLine(spec), `  ${spec.summary}`];
  if (spec.aliases.length > 0) lines.push(`  aliases: ${spec.aliases.join(", ")}`);
  for (const d of spec.details) lines.push(`  ${d}`);
  const flags = Object.entries(spec.args).filter(([, a]) => a.type !== "positional");
  if (flags.length > 0) {
    lines.push("flags:");
    for (const [name, a] of flags) lines.push(`  ${pad(flagSpelling(name, a), 24)}${a.description ?? ""}`);
  }
  lines.push("global flags: --json --yes --dry-run --journal PATH --proc-root DIR --no-boost --no-color");
  return lines.join("\n");
}

/** All flags of the program, for the man page and `help`. */
export function globalFlagLines(): Array<[string, string]> {
  return Object.entries(GLOBAL_ARGS).map(([name, a]) => [flagSpelling(name, a), a.description ?? ""]);
}

export function flagSpelling(name: string, a: ArgDef): string {
  const alias = "alias" in a && a.alias !== undefined ? (Array.isArray(a.alias) ? a.alias : [a.alias]) : [];
  const short = alias.filter((x) => x.length === 1).map((x) => `-${x}, `).join("");
  const value = a.type === "string" || a.type === "enum" ? ` ${a.valueHint ?? "VALUE"}` : "";
  const neg = a.type === "boolean" && a.default === true ? "[no-]" : "";
  return `${short}--${neg}${name}${value}`;
}

function pad(s: string, n: number): string {
  return s.length >= n ? `${s} ` : s + " ".repeat(n - s.length);
}
