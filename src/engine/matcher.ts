/**
 * Selector text -> Matcher over ProcTable rows, via the selector module.
 * Parsing happens before any scan or signal: a bad selector throws
 * BAD_SELECTOR and nothing else runs.
 */
import type { ProcTable } from "../proc/table.ts";
import { compileSelector } from "../select/compile.ts";
import { describe } from "../select/describe.ts";
import { defaultEnv, type SelectEnv } from "../select/env.ts";
import { parseSelector } from "../select/parser.ts";
import type { Matcher } from "./types.ts";

export interface CompiledSelection {
  text: string;
  /** Normalised form for plans and the journal. */
  describe: string;
  /** A matcher bound to one table (lazy fields cached across tables by pid+starttime). */
  forTable(table: ProcTable): Matcher;
}

export function compileSelection(text: string, procRoot: string): CompiledSelection {
  const ast = parseSelector(text);
  let env: SelectEnv | undefined;
  return {
    text,
    describe: describe(ast),
    forTable(table: ProcTable): Matcher {
      env ??= defaultEnv(procRoot);
      const c = compileSelector(ast, table, { ...env, nowMs: Date.now() });
      return (_t, i) => c.test(i);
    },
  };
}
