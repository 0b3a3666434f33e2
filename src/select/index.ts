/**
 * Selectors: one language for ps, freeze, kill and rescue.
 *
 *   const sel = parseSelector("name=rogue* and not user=root");   // pure; BAD_SELECTOR on error
 *   const rows = select(table, sel, defaultEnv(procRoot));         // Int32Array of row indexes
 *   describe(sel)       -> "name=rogue* and not user=root" (normalised, for plans/journal)
 *   lazyFieldsOf(sel)   -> Set of "cmdline" | "exe" | "cgroup" the selector reads per row
 *   compileSelector(sel, table, env).test(row) -> boolean (cheap terms first, lazy ones last)
 *   compile(sel, { table, procRoot, env? }) -> (row) => boolean, with defaultEnv(procRoot)
 *   requireMatches(rows, sel) throws NOTHING_MATCHED (exit 1) for an empty selection.
 *
 * Terms (KEYS in keys.ts feeds help): name= (exact; glob with * ? [..]; quoted = literal),
 * name~REGEX (also =~ ~=), user=NAME|UID, uid= pid= ppid= pgrp= sid= threads= (also < > <= >=),
 * lists pid=1,2,3, tty=pts/3|tty1|?, state=RS, tree=PID, cgroup=PATH (prefix), exe=PATH, cmd~=RE,
 * age<5m age>2h (s m h d), != and !~ as negated terms. Combine with and (or juxtaposition),
 * or, not / !, parentheses, quotes. Empty or unparseable selectors are errors, never match-all.
 * env (env.ts): { lazy: LazyReader, bootTime, nowMs, userUid }; defaultEnv(procRoot) fills it.
 */
export type { Selector, SelectorNode, TermNode, AndNode, OrNode, NotNode, Op } from "./ast.ts";
export { parseSelector } from "./parser.ts";
export { describe } from "./describe.ts";
export { compileSelector, lazyFieldsOf, type CompiledSelector } from "./compile.ts";
export { select, selectRows, requireMatches, compile, type CompileOptions } from "./select.ts";
export { defaultEnv, passwdLookup, parsePasswd, type SelectEnv } from "./env.ts";
export { KEYS, findKey, type KeySpec, type KeyName } from "./keys.ts";
export { SELECTOR_HINT } from "./lexer.ts";
