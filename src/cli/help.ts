/**
 * Help texts, all generated from the command registry (so `help`, usage
 * errors and the man page cannot drift apart). `help` fits one 24-line screen.
 */
import type { ArgDef } from "citty";
import { COMMANDS, GLOBAL_ARGS, type CommandSpec } from "./registry.ts";

/** Help screens are laid out for the smallest common terminal. */
export const HELP_WIDTH = 80;

/** Commands that exist only inside the REPL (not one-shot subcommands). */
export const REPL_ONLY: ReadonlyArray<{ name: string; aliases: string[]; synopsis: string; summary: string; details: string[] }> = [
  {
    name: "loop",
    aliases: [],
    synopsis: "N|until-stable COMMAND...",
    summary: "repeat a command N times, or until it changes nothing",
    details: [
      "loop N COMMAND runs COMMAND N times; ^C or an error stops it early.",
      "loop until-stable COMMAND repeats until a round changes nothing (no process",
      "stopped, killed or continued, or nothing matched); at most 100 rounds.",
      "Example: loop until-stable freeze name=rogue.sh",
    ],
  },
  { name: "help", aliases: ["?"], synopsis: "[COMMAND]", summary: "this screen, or one command's details", details: [] },
  {
    name: "exit",
    aliases: ["quit"],
    synopsis: "",
    summary: "leave (also quit, ^D); asks first if processes are still stopped",
    details: ["Processes this session stopped stay stopped after exit: thaw or kill them first."],
  },
];

export function usageLine(spec: CommandSpec | undefined): string {
  if (!spec) return "usage: pidrescue COMMAND ...";
  return `usage: pidrescue ${spec.name}${spec.synopsis ? ` ${spec.synopsis}` : ""}`;
}

export function mainHelp(): string {
  const lines: string[] = [
    "pidrescue - rescue a machine whose process table is full (never forks)",
    "usage: pidrescue [COMMAND [ARGS]] [FLAGS]   no COMMAND: REPL, or script on stdin",
    "",
  ];
  for (const c of COMMANDS) lines.push(`  ${pad(c.name, 8)}${c.summary}`);
  for (const c of REPL_ONLY) lines.push(`  ${pad(c.name, 8)}${c.summary}`);
  lines.push(
    "",
    "SELECTOR  name=rogue.sh  name~'^rogue'  user=bob  pid=1234  state=R",
    "          ppid= pgrp= sid= tty= tree=PID cgroup=PATH exe=PATH cmd~=REGEX",
    "          age<5m threads>10; and / or / not, ! and ( ); quote values with spaces",
    "FLAGS     --json --yes --dry-run --journal PATH --proc-root DIR --no-boost",
    "          --no-color --rescue SELECTOR (one-shot) --version; help COMMAND",
  );
  return lines.join("\n");
}

export function commandHelp(spec: CommandSpec): string {
  const lines = [...wrap(usageLine(spec), 6), `  ${spec.summary}`];
  if (spec.aliases.length > 0) lines.push(`  aliases: ${spec.aliases.join(", ")}`);
  for (const d of spec.details) lines.push(...wrap(`  ${d}`, 2));
  const flags = Object.entries(spec.args).filter(([, a]) => a.type !== "positional");
  if (flags.length > 0) {
    lines.push("flags:");
    for (const [name, a] of flags) lines.push(...wrap(`  ${pad(flagSpelling(name, a), 24)}${a.description ?? ""}`, 26));
  }
  lines.push(...wrap("global flags: --json --yes --dry-run --journal PATH --proc-root DIR --no-boost --no-color", 14));
  return lines.join("\n");
}

/** Help for a REPL-only command (loop, help, exit), or undefined. */
export function replCommandHelp(name: string): string | undefined {
  const c = REPL_ONLY.find((r) => r.name === name || r.aliases.includes(name));
  if (!c) return undefined;
  const lines = [`usage: ${c.name}${c.synopsis ? ` ${c.synopsis}` : ""}    (in the REPL and in scripts)`, `  ${c.summary}`];
  if (c.aliases.length > 0) lines.push(`  aliases: ${c.aliases.join(", ")}`);
  for (const d of c.details) lines.push(...wrap(`  ${d}`, 2));
  return lines.join("\n");
}

/** Break `line` at spaces to HELP_WIDTH; continuation lines get `indent` spaces. */
export function wrap(line: string, indent: number, width = HELP_WIDTH): string[] {
  const out: string[] = [];
  let rest = line;
  while (rest.length > width) {
    let cut = rest.lastIndexOf(" ", width);
    if (cut <= indent) cut = rest.indexOf(" ", width);
    if (cut < 0) break;
    out.push(rest.slice(0, cut).trimEnd());
    rest = " ".repeat(indent) + rest.slice(cut + 1).trimStart();
  }
  out.push(rest);
  return out;
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
