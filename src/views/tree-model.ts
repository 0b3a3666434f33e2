/**
 * The `tree` view as data (pure): for the matches of a query, the chain of
 * ancestors and the descendants to a depth, with big fan-outs collapsed:
 * siblings that share a name (COLLAPSE_AT or more) become one entry
 * "rogue.sh x1,700" with their states and descendant count, and what is
 * cut (by depth, or past MAX_CHILDREN entries) is counted, never dropped
 * silently.
 *
 * Matches that descend from another match are inside that match's tree;
 * the others ("top" matches) are grouped by parent, so 1,700 matched
 * siblings are one tree, not 1,700.
 */
import type { ProcTable } from "../proc/table.ts";
import { ancestorsOf, childrenOf, type Forest } from "./forest.ts";

export const COLLAPSE_AT = 3;
export const MAX_CHILDREN = 12;
export const MAX_TREES = 3;
/** Ancestor chains longer than this keep their first 2 and last ANCESTOR_TAIL entries. */
export const MAX_ANCESTORS = 8;
export const ANCESTOR_TAIL = 4;

export interface TreeOptions {
  /** Levels of descendants below a match (0 = none). */
  depth: number;
}

/** One process, with what is shown below it. */
export interface TreeNode {
  row: number;
  match: boolean;
  descendants: number;
  children: TreeEntry[];
  /** Descendants not shown below this node (depth limit, or past MAX_CHILDREN). */
  cut: number;
}

/** Siblings of one name collapsed into one entry. */
export interface TreeGroup {
  nameId: number;
  rows: Int32Array;
  /** How many of them are matches. */
  matches: number;
  /** Descendants of all of them together. */
  descendants: number;
}

export type TreeEntry = { node: TreeNode } | { group: TreeGroup };

/** The tree under one parent: its ancestors, itself, and the top matches among its children. */
export interface MatchTree {
  /** Ancestor rows from the root down (the parent excluded); `skipped` left out of a long chain after the first 2. */
  ancestors: number[];
  skipped: number;
  /** The parent of the top matches (-1: they are roots). */
  parent: number;
  /** Entries for the matches under the parent (and, for a single match, only it). */
  entries: TreeEntry[];
  /** Matches (with their descendants) past MAX_CHILDREN entries, not shown. */
  cut: number;
  /** Children of the parent that are not matches, not shown. */
  otherChildren: number;
  matches: number;
}

export interface TreeModel {
  matched: number;
  /** Matches inside another match's tree. */
  nested: number;
  trees: MatchTree[];
  /** Parents (and their matches) not shown past MAX_TREES. */
  moreTrees: number;
  moreMatches: number;
}

export function treeModel(t: ProcTable, f: Forest, matches: Int32Array, o: TreeOptions): TreeModel {
  const isMatch = new Uint8Array(t.count);
  for (const r of matches) isMatch[r] = 1;
  const tops = topMatches(f, matches, isMatch);
  const byParent = new Map<number, number[]>();
  for (const r of tops) {
    const p = f.parent[r]!;
    const list = byParent.get(p);
    if (list === undefined) byParent.set(p, [r]);
    else list.push(r);
  }
  // Biggest clusters first (the fan-out of a bomb), then table order.
  const parents = [...byParent.entries()].sort((a, b) => b[1].length - a[1].length);
  const trees: MatchTree[] = [];
  let moreMatches = 0;
  for (let k = 0; k < parents.length; k++) {
    const [parent, rows] = parents[k]!;
    if (k >= MAX_TREES) {
      for (const r of rows) moreMatches += 1 + matchesBelow(f, r, isMatch);
      continue;
    }
    const chain = parent >= 0 ? ancestorsOf(f, parent) : [];
    const { shown, skipped } = shortenChain(chain);
    const siblings = parent >= 0 ? childrenOf(f, parent).length : rows.length;
    let inTree = 0;
    for (const r of rows) inTree += 1 + matchesBelow(f, r, isMatch);
    const capped = capEntries(entriesOf(t, f, Int32Array.from(rows), isMatch, o.depth, 1));
    trees.push({
      ancestors: shown,
      skipped,
      parent,
      entries: capped.entries,
      cut: capped.cut,
      otherChildren: siblings - rows.length,
      matches: inTree,
    });
  }
  return { matched: matches.length, nested: matches.length - tops.length, trees, moreTrees: Math.max(0, parents.length - MAX_TREES), moreMatches };
}

/** Matches with no matching ancestor (one top-down pass over the forest). */
function topMatches(f: Forest, matches: Int32Array, isMatch: Uint8Array): number[] {
  const below = new Uint8Array(isMatch.length);
  for (const r of f.order) {
    const p = f.parent[r]!;
    if (p >= 0 && (isMatch[p] === 1 || below[p] === 1)) below[r] = 1;
  }
  const out: number[] = [];
  for (const r of matches) if (below[r] === 0) out.push(r);
  return out;
}

function matchesBelow(f: Forest, row: number, isMatch: Uint8Array): number {
  let n = 0;
  const stack = [row];
  while (stack.length > 0) {
    const r = stack.pop()!;
    for (const c of childrenOf(f, r)) {
      if (isMatch[c] === 1) n++;
      stack.push(c);
    }
  }
  return n;
}

function shortenChain(chain: number[]): { shown: number[]; skipped: number } {
  if (chain.length <= MAX_ANCESTORS) return { shown: chain, skipped: 0 };
  return { shown: [...chain.slice(0, 2), ...chain.slice(-ANCESTOR_TAIL)], skipped: chain.length - 2 - ANCESTOR_TAIL };
}

/** Entries for sibling rows: same-name runs of COLLAPSE_AT or more become groups; at most MAX_CHILDREN entries. */
function entriesOf(t: ProcTable, f: Forest, rows: Int32Array, isMatch: Uint8Array, depth: number, level: number): TreeEntry[] {
  const byName = new Map<number, number[]>();
  for (const r of rows) {
    const id = t.nameId[r]!;
    const list = byName.get(id);
    if (list === undefined) byName.set(id, [r]);
    else list.push(r);
  }
  const entries: TreeEntry[] = [];
  const done = new Set<number>();
  for (const r of rows) {
    const id = t.nameId[r]!;
    if (done.has(id)) continue;
    const same = byName.get(id)!;
    if (same.length >= COLLAPSE_AT) {
      done.add(id);
      let desc = 0;
      let m = 0;
      for (const s of same) {
        desc += f.descendants[s]!;
        m += isMatch[s]!;
      }
      entries.push({ group: { nameId: id, rows: Int32Array.from(same), matches: m, descendants: desc } });
    } else {
      entries.push({ node: nodeOf(t, f, r, isMatch, depth, level) });
    }
  }
  return entries;
}

function nodeOf(t: ProcTable, f: Forest, row: number, isMatch: Uint8Array, depth: number, level: number): TreeNode {
  const kids = childrenOf(f, row);
  const node: TreeNode = { row, match: isMatch[row] === 1, descendants: f.descendants[row]!, children: [], cut: 0 };
  if (kids.length === 0) return node;
  if (level > depth) {
    node.cut = node.descendants;
    return node;
  }
  const capped = capEntries(entriesOf(t, f, kids, isMatch, depth, level + 1));
  node.children = capped.entries;
  node.cut = capped.cut;
  return node;
}

/** At most MAX_CHILDREN entries (the last slot becomes the count of the rest). */
function capEntries(entries: TreeEntry[]): { entries: TreeEntry[]; cut: number } {
  if (entries.length <= MAX_CHILDREN) return { entries, cut: 0 };
  let cut = 0;
  for (const e of entries.slice(MAX_CHILDREN - 1)) cut += "node" in e ? 1 + e.node.descendants : e.group.rows.length + e.group.descendants;
  return { entries: entries.slice(0, MAX_CHILDREN - 1), cut };
}
