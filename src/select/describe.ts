/**
 * describe(): the normalised text of a selector, for plans, journals and
 * messages. Parsing it again gives the same AST (keys canonical, aliases
 * resolved, "and" explicit, parentheses only where needed).
 */
import type { Selector, SelectorNode, TermNode } from "./ast.ts";

export function describe(sel: Selector | SelectorNode): string {
  return node("root" in sel ? sel.root : sel, 0);
}

/** prec: 0 top/or, 1 inside and, 2 inside not. */
function node(n: SelectorNode, prec: number): string {
  switch (n.kind) {
    case "term":
      return term(n);
    case "not":
      return "not " + node(n.item, 2);
    case "and": {
      const s = n.items.map((i) => node(i, 1)).join(" and ");
      return prec > 1 ? `(${s})` : s;
    }
    case "or": {
      const s = n.items.map((i) => node(i, 0)).join(" or ");
      return prec > 0 ? `(${s})` : s;
    }
  }
}

function term(t: TermNode): string {
  const v = t.quoted || t.values.some(needsQuotes) ? t.values.map(quote).join(",") : t.values.join(",");
  return `${t.key}${t.op}${v}`;
}

function needsQuotes(v: string): boolean {
  if (/[\s'"]/.test(v)) return true;
  let depth = 0;
  for (const c of v) {
    if (c === "(") depth++;
    else if (c === ")" && --depth < 0) return true;
  }
  return false;
}

function quote(v: string): string {
  return v.includes("'") ? `"${v.replaceAll('"', '\\"')}"` : `'${v}'`;
}
