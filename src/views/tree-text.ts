/** The `tree` view as text (ASCII, so it survives any console) and as JSON. */
import type { ProcTable } from "../proc/table.ts";
import type { ViewEnv } from "./env.ts";
import { clip, num, safeText } from "./format.ts";
import type { MatchTree, TreeEntry, TreeGroup, TreeModel, TreeNode } from "./tree-model.ts";

export function treeLines(m: TreeModel, t: ProcTable, env: ViewEnv, o: { query: string; width: number }): string[] {
  const nested = m.nested > 0 ? `; ${num(m.nested)} inside another match's tree` : "";
  const lines = [`${num(m.matched)} ${m.matched === 1 ? "match" : "matches"} for ${o.query} (* = match${nested})`];
  for (const tree of m.trees) lines.push(...treeBlock(tree, t, env));
  if (m.moreTrees > 0) lines.push(`... ${num(m.moreMatches)} more matches under ${num(m.moreTrees)} other parents not shown`);
  return lines.map((l) => clip(l, o.width));
}

function treeBlock(tree: MatchTree, t: ProcTable, env: ViewEnv): string[] {
  const out: string[] = [];
  let prefix = "";
  let first = true;
  const step = (text: string): void => {
    out.push(first ? text : `${prefix}\`- ${text}`);
    if (!first) prefix += "   ";
    first = false;
  };
  tree.ancestors.forEach((r, i) => {
    step(procText(t, r, env, false));
    if (i === 1 && tree.skipped > 0) step(`... ${num(tree.skipped)} more ancestors`);
  });
  if (tree.parent >= 0) step(procText(t, tree.parent, env, false));
  const tail: string[] = [];
  if (tree.cut > 0) tail.push(`... ${num(tree.cut)} more matching processes and descendants`);
  if (tree.otherChildren > 0) tail.push(`... ${num(tree.otherChildren)} other ${tree.otherChildren === 1 ? "child" : "children"}`);
  if (first) {
    // The matches are roots: no parent line to hang them on.
    for (const e of tree.entries) out.push(...entryLines(e, t, env, "", ""));
    for (const x of tail) out.push(x);
    return out;
  }
  out.push(...children(tree.entries, tail, t, env, prefix));
  return out;
}

function children(entries: TreeEntry[], tail: string[], t: ProcTable, env: ViewEnv, prefix: string): string[] {
  const out: string[] = [];
  const total = entries.length + tail.length;
  entries.forEach((e, i) => {
    const last = i === total - 1;
    out.push(...entryLines(e, t, env, prefix + (last ? "`- " : "|- "), prefix + (last ? "   " : "|  ")));
  });
  tail.forEach((x, i) => out.push(`${prefix}${entries.length + i === total - 1 ? "`- " : "|- "}${x}`));
  return out;
}

function entryLines(e: TreeEntry, t: ProcTable, env: ViewEnv, lead: string, cont: string): string[] {
  if ("group" in e) return [lead + groupText(e.group, t)];
  return [lead + procText(t, e.node.row, env, e.node.match), ...nodeChildren(e.node, t, env, cont)];
}

function nodeChildren(n: TreeNode, t: ProcTable, env: ViewEnv, prefix: string): string[] {
  const tail = n.cut > 0 ? [`... ${num(n.cut)} more descendants`] : [];
  if (n.children.length === 0 && tail.length === 0) return [];
  return children(n.children, tail, t, env, prefix);
}

function procText(t: ProcTable, r: number, env: ViewEnv, match: boolean): string {
  const thr = t.threads[r]! > 1 ? ` ${num(t.threads[r]!)} threads` : "";
  return `${match ? "*" : ""}${t.pid[r]} ${t.name(r)} ${t.stateChar(r)} ${safeText(env.userName(t.uid[r]!))}${thr}`;
}

function groupText(g: TreeGroup, t: ProcTable): string {
  const n = g.rows.length;
  const states = new Map<string, number>();
  let lo = Infinity;
  let hi = -Infinity;
  for (const r of g.rows) {
    const s = t.stateChar(r);
    states.set(s, (states.get(s) ?? 0) + 1);
    lo = Math.min(lo, t.pid[r]!);
    hi = Math.max(hi, t.pid[r]!);
  }
  const st = [...states].map(([s, c]) => `${s}${num(c)}`).join(" ");
  const mark = g.matches === n ? "*" : "";
  const which = g.matches === n || g.matches === 0 ? "" : `${num(g.matches)} match; `;
  const desc = g.descendants > 0 ? `; ${num(g.descendants)} descendants` : "";
  return `${mark}${t.names.text(g.nameId)} x${num(n)}  (${which}${st}; pids ${lo}..${hi}${desc})`;
}

/**
 * JSON payload of `tree --json`:
 *   { query, matched, nested, depth,
 *     trees: [{ ancestors: [Proc], ancestorsSkipped, parent: Proc|null, matches,
 *               entries: [Entry], cut, otherChildren }],
 *     moreTrees, moreMatches }
 *   Proc  = { pid, name, state, user, threads }
 *   Entry = { pid, name, state, user, threads, match, descendants, cut, children: [Entry] }
 *         | { group: name, count, matches, descendants, pids: [first 20 pids] }
 */
export function treeJson(m: TreeModel, t: ProcTable, env: ViewEnv, o: { query: string; depth: number }): Record<string, unknown> {
  const proc = (r: number) => ({ pid: t.pid[r]!, name: t.name(r), state: t.stateChar(r), user: env.userName(t.uid[r]!), threads: t.threads[r]! });
  const entry = (e: TreeEntry): Record<string, unknown> =>
    "group" in e
      ? { group: t.names.text(e.group.nameId), count: e.group.rows.length, matches: e.group.matches, descendants: e.group.descendants, pids: [...e.group.rows.subarray(0, 20)].map((r) => t.pid[r]!) }
      : { ...proc(e.node.row), match: e.node.match, descendants: e.node.descendants, cut: e.node.cut, children: e.node.children.map(entry) };
  return {
    query: o.query,
    matched: m.matched,
    nested: m.nested,
    depth: o.depth,
    trees: m.trees.map((tr) => ({
      ancestors: tr.ancestors.map(proc),
      ancestorsSkipped: tr.skipped,
      parent: tr.parent >= 0 ? proc(tr.parent) : null,
      matches: tr.matches,
      entries: tr.entries.map(entry),
      cut: tr.cut,
      otherChildren: tr.otherChildren,
    })),
    moreTrees: m.moreTrees,
    moreMatches: m.moreMatches,
  };
}
