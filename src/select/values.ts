/**
 * Value forms of selector terms, checked at parse time so a typo is a
 * BAD_SELECTOR with its column before anything is scanned: integers,
 * durations (90s, 5m, 2h, 1d, 1h30m), state letters, tty names, globs and
 * regular expressions.
 */
import { ttyNumber } from "../proc/tty.ts";
import { bad } from "./lexer.ts";

/** State letters the kernel shows in stat (task_state_array and friends). */
export const STATE_LETTERS = "RSDZTtXxKWPI";

export function parseIntValue(v: string, col: number): number {
  if (!/^\d{1,10}$/.test(v)) throw bad(`expected a whole number at column ${col}, found "${v}"`);
  const n = Number(v);
  if (n > 0xffffffff) throw bad(`number too large at column ${col}: ${v}`);
  return n;
}

const UNIT: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400 };

/** Seconds in "90", "90s", "5m", "1h30m", "1.5h", "2d". */
export function parseDuration(v: string, col: number): number {
  if (/^\d+(\.\d+)?$/.test(v)) return Number(v);
  const re = /(\d+(?:\.\d+)?)([smhd])/gy;
  let total = 0;
  let at = 0;
  let m: RegExpExecArray | null;
  while ((m = re.exec(v)) !== null) {
    total += Number(m[1]) * (UNIT[m[2]!] ?? 1);
    at = re.lastIndex;
  }
  if (at !== v.length || v.length === 0) throw bad(`expected a duration like 30s, 5m, 2h, 1d at column ${col}, found "${v}"`);
  return total;
}

/** The state letters of a value ("R", "RS", "R,S"). */
export function parseStates(v: string, col: number): string {
  const letters = v.replaceAll(",", "");
  for (const c of letters) {
    if (!STATE_LETTERS.includes(c)) throw bad(`unknown process state "${c}" at column ${col} (states: ${STATE_LETTERS.split("").join(" ")})`);
  }
  if (letters === "") throw bad(`expected state letters at column ${col}`);
  return letters;
}

export function parseTty(v: string, col: number): number {
  const n = ttyNumber(v);
  if (n === undefined) throw bad(`unknown terminal "${v}" at column ${col} (use pts/N, ttyN, ttySN, or ? for none)`);
  return n;
}

export function compileRegex(v: string, col: number): RegExp {
  try {
    return new RegExp(v);
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    throw bad(`invalid regular expression at column ${col}: ${why}`);
  }
}

/** True if a bare value has glob characters (* ? [) not escaped with a backslash. */
export function hasGlob(v: string): boolean {
  for (let i = 0; i < v.length; i++) {
    const c = v[i];
    if (c === "\\") i++;
    else if (c === "*" || c === "?" || c === "[") return true;
  }
  return false;
}

/**
 * An anchored RegExp for a glob: * any run, ? one character, [abc] [a-z]
 * [!x] classes, \* \? \[ literal. Other backslashes stay literal, so display
 * forms of names (\x0a, \\) match themselves.
 */
export function globToRegExp(glob: string, col: number): RegExp {
  let src = "^";
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === "\\" && "*?[]".includes(glob[i + 1] ?? "")) {
      src += "\\" + glob[++i];
    } else if (c === "*") src += ".*";
    else if (c === "?") src += ".";
    else if (c === "[") {
      const close = glob.indexOf("]", i + 2);
      if (close < 0) throw bad(`unclosed [ in glob at column ${col + i}`);
      let body = glob.slice(i + 1, close);
      if (body.startsWith("!")) body = "^" + body.slice(1);
      src += "[" + body.replaceAll("\\", "\\\\") + "]";
      i = close;
    } else src += c.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
  }
  return compileRegex(src + "$", col);
}
