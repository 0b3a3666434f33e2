/**
 * Selector compiler: AST + table + env -> a row predicate. Terms on scanned
 * columns are cheap; cmd/exe/cgroup read a file per row, so "and"/"or"
 * evaluate cheap children first and a lazy term is only read for rows the
 * cheap terms did not already decide. Name terms are decided once per
 * distinct name, not per row.
 */
import { CLK_TCK } from "../proc/clock.ts";
import type { LazyField, LazyReader } from "../proc/lazy.ts";
import type { ProcTable } from "../proc/table.ts";
import type { Selector, SelectorNode, TermNode } from "./ast.ts";
import type { SelectEnv } from "./env.ts";
import { keySpec } from "./keys.ts";
import { bad } from "./lexer.ts";
import { descendantsMask } from "./tree.ts";
import { compileRegex, globToRegExp, hasGlob, parseDuration, parseIntValue, parseStates, parseTty } from "./values.ts";

export interface CompiledSelector {
  /** Does row i of the table match? */
  test(row: number): boolean;
  /** Files read per row by this selector. */
  lazy: ReadonlySet<LazyField>;
}

type Pred = (row: number) => boolean;
interface Part {
  fn: Pred;
  /** 0: columns only, 1: reads a file per row. */
  cost: number;
}

export function compileSelector(sel: Selector, table: ProcTable, env: SelectEnv): CompiledSelector {
  const part = compileNode(sel.root, table, env);
  return { test: part.fn, lazy: lazyFieldsOf(sel) };
}

/** The lazy fields (files per process) a selector reads. */
export function lazyFieldsOf(sel: Selector | SelectorNode): Set<LazyField> {
  const out = new Set<LazyField>();
  const walk = (n: SelectorNode): void => {
    if (n.kind === "term") {
      const l = keySpec(n.key).lazy;
      if (l !== undefined) out.add(l);
    } else if (n.kind === "not") walk(n.item);
    else n.items.forEach(walk);
  };
  walk("root" in sel ? sel.root : sel);
  return out;
}

function compileNode(n: SelectorNode, t: ProcTable, env: SelectEnv): Part {
  switch (n.kind) {
    case "term":
      return compileTerm(n, t, env);
    case "not": {
      const p = compileNode(n.item, t, env);
      const f = p.fn;
      return { fn: (r) => !f(r), cost: p.cost };
    }
    case "and":
    case "or": {
      const parts = n.items.map((i) => compileNode(i, t, env)).sort((a, b) => a.cost - b.cost);
      const fns = parts.map((p) => p.fn);
      const cost = Math.max(...parts.map((p) => p.cost));
      if (fns.length === 2) {
        const [a, b] = fns as [Pred, Pred];
        return { fn: n.kind === "and" ? (r) => a(r) && b(r) : (r) => a(r) || b(r), cost };
      }
      const want = n.kind === "or";
      return {
        fn: (r) => {
          for (const f of fns) if (f(r) === want) return want;
          return !want;
        },
        cost,
      };
    }
  }
}

function compileTerm(n: TermNode, t: ProcTable, env: SelectEnv): Part {
  const col = n.col;
  switch (n.key) {
    case "name":
      return { fn: nameTerm(n, t), cost: 0 };
    case "user":
      return { fn: intColumn(t, "uid", "=", n.values.map((v) => resolveUser(v, env, col))), cost: 0 };
    case "uid":
    case "pid":
    case "ppid":
    case "pgrp":
    case "sid":
    case "threads":
      return { fn: intColumn(t, n.key, n.op, n.values.map((v) => parseIntValue(v, col))), cost: 0 };
    case "tty":
      return { fn: intColumn(t, "tty", "=", n.values.map((v) => parseTty(v, col))), cost: 0 };
    case "state": {
      const ok = new Uint8Array(256);
      for (const v of n.values) for (const c of parseStates(v, col)) ok[c.charCodeAt(0)] = 1;
      return { fn: (r) => ok[t.state[r]!] === 1, cost: 0 };
    }
    case "tree": {
      const mask = descendantsMask(t, n.values.map((v) => parseIntValue(v, col)));
      return { fn: (r) => mask[r] === 1, cost: 0 };
    }
    case "age":
      return { fn: ageTerm(n, t, env), cost: 0 };
    case "cgroup":
    case "exe":
    case "cmd":
      return { fn: lazyTerm(n, t, needLazy(env, n)), cost: 1 };
  }
}

type IntCol = "uid" | "pid" | "ppid" | "pgrp" | "sid" | "threads" | "tty";

function intColumn(t: ProcTable, col: IntCol, op: string, values: number[]): Pred {
  const v = values[0]!;
  switch (op) {
    case "<":
      return (r) => t[col][r]! < v;
    case ">":
      return (r) => t[col][r]! > v;
    case "<=":
      return (r) => t[col][r]! <= v;
    case ">=":
      return (r) => t[col][r]! >= v;
  }
  if (values.length === 1) return (r) => t[col][r] === v;
  const set = new Set(values);
  return (r) => set.has(t[col][r]!);
}

/** Decide every distinct name once; rows look their name id up. */
function nameTerm(n: TermNode, t: ProcTable): Pred {
  const match = textMatcher(n);
  let decided = new Uint8Array(0);
  const decide = (): void => {
    const size = t.names.size;
    const d = new Uint8Array(size);
    for (let id = 0; id < size; id++) d[id] = match(t.names.text(id)) ? 1 : 0;
    decided = d;
  };
  decide();
  return (r) => {
    const id = t.nameId[r]!;
    if (id >= decided.length) decide();
    return decided[id] === 1;
  };
}

/** Matcher for text keys: "~" regex search, "=" exact or (bare value with * ? [) glob. */
function textMatcher(n: TermNode): (s: string) => boolean {
  if (n.op === "~") {
    const re = compileRegex(n.values[0]!, n.col);
    return (s) => re.test(s);
  }
  const exact = new Set<string>();
  const globs: RegExp[] = [];
  for (const v of n.values) {
    if (!n.quoted && hasGlob(v)) globs.push(globToRegExp(v, n.col));
    else exact.add(n.quoted ? v : v.replace(/\\([*?[\]])/g, "$1"));
  }
  return (s) => exact.has(s) || globs.some((g) => g.test(s));
}

function ageTerm(n: TermNode, t: ProcTable, env: SelectEnv): Pred {
  if (env.bootTime === undefined) throw bad(`age needs the boot time (btime in the procfs root's stat file), which is missing`);
  const seconds = parseDuration(n.values[0]!, n.col);
  // age < D  <=>  starttime > (now - boot - D) ticks
  const limit = ((env.nowMs ?? Date.now()) / 1000 - env.bootTime - seconds) * CLK_TCK;
  const st = (r: number): number => t.starttime[r]!;
  switch (n.op) {
    case "<":
      return (r) => st(r) > limit;
    case "<=":
      return (r) => st(r) >= limit;
    case ">":
      return (r) => st(r) < limit;
    default:
      return (r) => st(r) <= limit;
  }
}

function lazyTerm(n: TermNode, t: ProcTable, lazy: LazyReader): Pred {
  const pid = (r: number): number => t.pid[r]!;
  const st = (r: number): number => t.starttime[r]!;
  if (n.key === "cgroup") {
    const re = n.op === "~" ? compileRegex(n.values[0]!, n.col) : undefined;
    const prefix = n.values[0]!;
    const hit = (path: string): boolean => (re !== undefined ? re.test(path) : isUnder(path, prefix));
    return (r) => {
      const cg = lazy.cgroup(pid(r), st(r));
      if (cg === undefined) return false;
      if (cg.v2 !== undefined && hit(cg.v2)) return true;
      for (const p of cg.v1.values()) if (hit(p)) return true;
      return false;
    };
  }
  const match = textMatcher(n);
  if (n.key === "exe") {
    return (r) => {
      const exe = lazy.exe(pid(r), st(r));
      return exe !== undefined && (match(exe) || (exe.endsWith(" (deleted)") && match(exe.slice(0, -10))));
    };
  }
  return (r) => {
    const cmd = lazy.cmdline(pid(r), st(r));
    return cmd !== undefined && match(cmd);
  };
}

/** path is prefix itself or inside it, by whole components. */
function isUnder(path: string, prefix: string): boolean {
  if (prefix === "/" || path === prefix) return true;
  const p = prefix.endsWith("/") ? prefix : prefix + "/";
  return path.startsWith(p);
}

function needLazy(env: SelectEnv, n: TermNode): LazyReader {
  if (env.lazy === undefined) throw bad(`"${n.key}" needs a reader for per-process files (internal: no lazy reader given)`);
  return env.lazy;
}

function resolveUser(v: string, env: SelectEnv, col: number): number {
  if (/^\d+$/.test(v)) return parseIntValue(v, col);
  const uid = env.userUid?.(v);
  if (uid === undefined) throw bad(`unknown user "${v}" at column ${col} (not in /etc/passwd; use uid=N)`);
  return uid;
}
