/** The selector AST: what the parser makes, the compiler and describe() read. */
import type { KeyName } from "./keys.ts";

/** Comparison of a term. "~" is a regular-expression search. */
export type Op = "=" | "~" | "<" | ">" | "<=" | ">=";

export interface TermNode {
  kind: "term";
  key: KeyName;
  op: Op;
  /** One value, or several for a comma list (pid=1,2,3). */
  values: string[];
  /** The value was quoted: taken literally (no glob, no list). */
  quoted: boolean;
  /** 1-based column of the term in the selector text. */
  col: number;
}

export interface AndNode {
  kind: "and";
  items: SelectorNode[];
}

export interface OrNode {
  kind: "or";
  items: SelectorNode[];
}

export interface NotNode {
  kind: "not";
  item: SelectorNode;
}

export type SelectorNode = TermNode | AndNode | OrNode | NotNode;

/** A parsed selector and the text it came from. */
export interface Selector {
  text: string;
  root: SelectorNode;
}
