/**
 * Selector lexer. A term is KEY OP VALUE (spaces around OP allowed):
 *   name=rogue   name~^rog   name=~x   cmd~="a b"   age<5m   pid=1,2,3
 * Keywords: and / && , or / || , not / ! , parentheses. A bare value ends
 * at white space, or at a ')' that closes a group (a value's own balanced
 * parentheses stay in it: cmd~=f(x)). Quotes: '...' literal, "..." with \"
 * for a quote. Columns are 1-based.
 */
import { PidrescueError } from "../errors.ts";

/** Operators as written ("!=" and "!~" become a negated term). */
export type RawOp = "=" | "~" | "<" | ">" | "<=" | ">=" | "!=" | "!~";

export type Token =
  | { t: "term"; key: string; op: RawOp; value: string; quoted: boolean; col: number; valueCol: number }
  | { t: "and" | "or" | "not" | "(" | ")" | "end"; col: number };

const OPS: readonly [string, RawOp][] = [
  ["=~", "~"],
  ["~=", "~"],
  ["==", "="],
  ["!=", "!="],
  ["!~", "!~"],
  ["<=", "<="],
  [">=", ">="],
  ["=", "="],
  ["~", "~"],
  ["<", "<"],
  [">", ">"],
];

export function tokenize(text: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  const n = text.length;
  while (i < n) {
    const ch = text[i]!;
    if (isSpace(ch)) {
      i++;
      continue;
    }
    const col = i + 1;
    if (ch === "(" || ch === ")") {
      out.push({ t: ch, col });
      i++;
    } else if (text.startsWith("&&", i)) {
      out.push({ t: "and", col });
      i += 2;
    } else if (text.startsWith("||", i)) {
      out.push({ t: "or", col });
      i += 2;
    } else if (ch === "!") {
      out.push({ t: "not", col });
      i++;
    } else if (/[A-Za-z_]/.test(ch)) {
      i = readTerm(text, i, out);
    } else {
      throw bad(`expected a key (like name=) at column ${col}, found "${ch}"`);
    }
  }
  out.push({ t: "end", col: n + 1 });
  return out;
}

/** Read a keyword or a whole term starting at i; returns the index after it. */
function readTerm(text: string, start: number, out: Token[]): number {
  let i = start;
  while (i < text.length && /[A-Za-z0-9_-]/.test(text[i]!)) i++;
  const word = text.slice(start, i);
  let j = i;
  while (j < text.length && isSpace(text[j]!)) j++;
  const op = OPS.find(([s]) => text.startsWith(s, j));
  const lower = word.toLowerCase();
  if (op === undefined) {
    if (lower === "and" || lower === "or" || lower === "not") {
      out.push({ t: lower, col: start + 1 });
      return i;
    }
    const at = j < text.length ? `found "${text[j]}"` : "found the end";
    throw bad(`expected an operator (= ~ < >) after "${word}" at column ${j + 1}, ${at}; a term is KEY=VALUE, e.g. name=${word}`);
  }
  j += op[0].length;
  while (j < text.length && isSpace(text[j]!)) j++;
  const valueCol = j + 1;
  const q = text[j];
  if (q === "'" || q === '"') {
    const { value, end } = readQuoted(text, j);
    out.push({ t: "term", key: word, op: op[1], value, quoted: true, col: start + 1, valueCol });
    return end;
  }
  let depth = 0;
  let k = j;
  for (; k < text.length; k++) {
    const c = text[k]!;
    if (isSpace(c)) break;
    if (c === "(") depth++;
    else if (c === ")") {
      if (depth === 0) break;
      depth--;
    }
  }
  if (k === j) throw bad(`expected a value after "${word}${op[0]}" at column ${valueCol}`);
  out.push({ t: "term", key: word, op: op[1], value: text.slice(j, k), quoted: false, col: start + 1, valueCol });
  return k;
}

function readQuoted(text: string, open: number): { value: string; end: number } {
  const q = text[open]!;
  let value = "";
  let k = open + 1;
  while (k < text.length) {
    const c = text[k]!;
    if (c === q) return { value, end: k + 1 };
    if (q === '"' && c === "\\" && text[k + 1] === '"') {
      value += '"';
      k += 2;
      continue;
    }
    value += c;
    k++;
  }
  throw bad(`unterminated ${q} quote opened at column ${open + 1}`);
}

function isSpace(c: string): boolean {
  return c === " " || c === "\t" || c === "\n" || c === "\r";
}

export function bad(message: string): PidrescueError {
  return new PidrescueError("BAD_SELECTOR", `bad selector: ${message}`, SELECTOR_HINT);
}

export const SELECTOR_HINT = "a selector is KEY=VALUE terms joined by and, or, not and ( ), e.g. 'name=rogue* and user=bob'";
