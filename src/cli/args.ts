/**
 * Strict argument handling on top of citty's parser: citty keeps unknown
 * flags silently, so every token is checked against the command's ArgsDef
 * first. A typo is a usage error, never ignored.
 */
import { parseArgs, type ArgsDef, type ParsedArgs } from "citty";
import { PidrescueError } from "../errors.ts";
import { didYouMean } from "./suggest.ts";

interface FlagInfo {
  name: string;
  takesValue: boolean;
  boolean: boolean;
}

/** Every spelling of every flag in `def`: --name, --kebab, --camel, -a, --no-name. */
export function flagTable(def: ArgsDef): Map<string, FlagInfo> {
  const table = new Map<string, FlagInfo>();
  for (const [name, arg] of Object.entries(def)) {
    if (arg.type === "positional") continue;
    const info: FlagInfo = { name, takesValue: arg.type === "string" || arg.type === "enum", boolean: arg.type === "boolean" };
    const spellings = [name, kebab(name), camel(name)];
    const alias = "alias" in arg ? arg.alias : undefined;
    const aliases = alias === undefined ? [] : Array.isArray(alias) ? alias : [alias];
    for (const s of spellings) {
      table.set(`--${s}`, info);
      if (info.boolean) table.set(`--no-${s}`, { ...info, takesValue: false });
    }
    for (const a of aliases) table.set(a.length === 1 ? `-${a}` : `--${a}`, info);
  }
  return table;
}

/**
 * Throws UNKNOWN_FLAG / USAGE for anything the command does not define.
 * `alsoSuggest`: more spellings for "did you mean" (the global flags).
 */
export function checkFlags(tokens: readonly string[], def: ArgsDef, usage: string, alsoSuggest: readonly string[] = []): void {
  const table = flagTable(def);
  for (let i = 0; i < tokens.length; i++) {
    const tok = tokens[i] ?? "";
    if (tok === "--") return;
    if (!tok.startsWith("-") || tok === "-" || /^-\d/.test(tok)) continue;
    const eq = tok.indexOf("=");
    const flag = eq > 0 ? tok.slice(0, eq) : tok;
    const info = table.get(flag);
    if (info === undefined) {
      const hint = didYouMean(flag, [...table.keys(), ...alsoSuggest]);
      throw new PidrescueError("UNKNOWN_FLAG", `unknown flag ${flag}${hint ? ` (did you mean ${hint}?)` : ""}`, usage);
    }
    if (info.takesValue && eq < 0) {
      const next = tokens[i + 1];
      if (next === undefined || (next.startsWith("-") && next !== "-" && !/^-\d/.test(next))) {
        throw new PidrescueError("USAGE", `flag ${flag} needs a value`, usage);
      }
      i++;
    }
  }
}

/**
 * Pull the flags defined in `def` out of `tokens` (anywhere before "--"),
 * returning them parsed and the remaining tokens in order.
 */
export function extractFlags(tokens: readonly string[], def: ArgsDef): { parsed: ParsedArgs<ArgsDef>; rest: string[] } {
  const table = flagTable(def);
  const mine: string[] = [];
  const rest: string[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const tok = tokens[i] ?? "";
    if (tok === "--") {
      rest.push(...tokens.slice(i));
      break;
    }
    const eq = tok.indexOf("=");
    const flag = tok.startsWith("-") && eq > 0 ? tok.slice(0, eq) : tok;
    const info = tok.startsWith("-") ? table.get(flag) : undefined;
    if (info === undefined) {
      rest.push(tok);
      continue;
    }
    mine.push(tok);
    if (info.takesValue && eq < 0 && i + 1 < tokens.length) mine.push(tokens[++i] ?? "");
  }
  return { parsed: parseArgs(mine, def), rest };
}

/** Parse a command's own tokens after checking them strictly. */
export function parseStrict(tokens: readonly string[], def: ArgsDef, usage: string, alsoSuggest: readonly string[] = []): ParsedArgs<ArgsDef> {
  checkFlags(tokens, def, usage, alsoSuggest);
  try {
    return parseArgs([...tokens], def);
  } catch (e) {
    if (e instanceof Error && e.name === "CLIError") throw new PidrescueError("USAGE", stripAnsi(e.message), usage);
    throw e;
  }
}

export function stripAnsi(s: string): string {
  // biome-ignore lint: escape sequences are the point
  return s.replace(/\u001b\[[0-9;]*m/g, "");
}

function kebab(s: string): string {
  return s.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}
function camel(s: string): string {
  return s.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
}
