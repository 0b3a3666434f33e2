/**
 * Selector parser (pure): text -> AST, or PidrescueError("BAD_SELECTOR")
 * saying at which column what was expected. Grammar, loosest first:
 *   or   := and ("or" and)*
 *   and  := not ("and"? not)*        juxtaposition is "and"
 *   not  := ("not" | "!") not | "(" or ")" | term
 * An empty selector is an error, never "everything".
 */
import { didYouMean } from "../cli/suggest.ts";
import type { Op, Selector, SelectorNode, TermNode } from "./ast.ts";
import { allKeyWords, findKey } from "./keys.ts";
import { bad, tokenize, type Token } from "./lexer.ts";
import { compileRegex, globToRegExp, hasGlob, parseDuration, parseIntValue, parseStates, parseTty } from "./values.ts";

export function parseSelector(text: string): Selector {
  if (text.trim() === "") throw bad("empty selector (to act on every process, say so: e.g. pid>0)");
  const p = new Parser(tokenize(text));
  const root = p.parseOr();
  const t = p.peek();
  if (t.t === ")") throw bad(`unmatched ")" at column ${t.col}`);
  if (t.t !== "end") throw bad(`unexpected ${describeToken(t)} at column ${t.col}`);
  return { text, root };
}

class Parser {
  private pos = 0;
  constructor(private readonly tokens: Token[]) {}

  peek(): Token {
    return this.tokens[this.pos]!;
  }

  parseOr(): SelectorNode {
    const items = [this.parseAnd()];
    while (this.peek().t === "or") {
      this.pos++;
      items.push(this.parseAnd());
    }
    return items.length === 1 ? items[0]! : { kind: "or", items };
  }

  private parseAnd(): SelectorNode {
    const items = [this.parseNot()];
    for (;;) {
      const t = this.peek();
      if (t.t === "and") {
        this.pos++;
        items.push(this.parseNot());
      } else if (t.t === "term" || t.t === "not" || t.t === "(") {
        items.push(this.parseNot());
      } else break;
    }
    return items.length === 1 ? items[0]! : { kind: "and", items: items.flatMap((n) => (n.kind === "and" ? n.items : [n])) };
  }

  private parseNot(): SelectorNode {
    const t = this.peek();
    if (t.t === "not") {
      this.pos++;
      return { kind: "not", item: this.parseNot() };
    }
    if (t.t === "(") {
      this.pos++;
      if (this.peek().t === ")") throw bad(`empty parentheses at column ${t.col}`);
      const inner = this.parseOr();
      const close = this.peek();
      if (close.t !== ")") throw bad(`expected ")" for the "(" at column ${t.col}, found ${describeToken(close)} at column ${close.col}`);
      this.pos++;
      return inner;
    }
    if (t.t === "term") {
      this.pos++;
      return termNode(t);
    }
    throw bad(`expected a term (like name=x), "not" or "(" at column ${t.col}, found ${describeToken(t)}`);
  }
}

function termNode(t: Extract<Token, { t: "term" }>): SelectorNode {
  const spec = findKey(t.key);
  if (spec === undefined) {
    const dym = didYouMean(t.key, allKeyWords());
    const also = dym !== undefined ? ` (did you mean "${dym}"?)` : ` (keys: ${allKeyWords().join(" ")})`;
    throw bad(`unknown key "${t.key}" at column ${t.col}${also}`);
  }
  const negate = t.op === "!=" || t.op === "!~";
  const op: Op = t.op === "!=" ? "=" : t.op === "!~" ? "~" : t.op;
  if (!spec.ops.includes(op)) {
    throw bad(`"${spec.name}" does not take "${t.op}" (column ${t.col}); it takes ${spec.ops.join(" ")}`);
  }
  const split = spec.list && op === "=" && !t.quoted;
  const values = split ? t.value.split(",") : [t.value];
  const col = t.valueCol;
  for (const v of values) {
    if (v === "") throw bad(`empty value in the list at column ${col}`);
    checkValue(spec.kind, op, v, t.quoted, col);
  }
  if (values.length > 1 && op !== "=") throw bad(`a list of values only goes with "=" (column ${col})`);
  const node: TermNode = { kind: "term", key: spec.name, op, values, quoted: t.quoted, col: t.col };
  return negate ? { kind: "not", item: node } : node;
}

function checkValue(kind: string, op: Op, v: string, quoted: boolean, col: number): void {
  if (op === "~") {
    compileRegex(v, col);
    return;
  }
  switch (kind) {
    case "int":
      parseIntValue(v, col);
      return;
    case "duration":
      parseDuration(v, col);
      return;
    case "state":
      parseStates(v, col);
      return;
    case "tty":
      parseTty(v, col);
      return;
    case "text":
      if (!quoted && hasGlob(v)) globToRegExp(v, col);
      return;
    default:
      return;
  }
}

function describeToken(t: Token): string {
  switch (t.t) {
    case "end":
      return "the end";
    case "term":
      return `"${t.key}"`;
    default:
      return `"${t.t}"`;
  }
}
