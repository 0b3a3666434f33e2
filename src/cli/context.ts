/**
 * What every command gets: the options that apply to all of them and the
 * session state that outlives one command in the REPL (the journal, what is
 * frozen right now).
 */
import type { Journal } from "../engine/journal.ts";

export interface GlobalOptions {
  /** procfs root, "/proc" unless --proc-root points at a fixture tree. */
  procRoot: string;
  json: boolean;
  yes: boolean;
  dryRun: boolean;
  /** --journal PATH; undefined = the default search (/var/log, then $HOME). */
  journalPath: string | undefined;
  /** false with --no-boost. */
  boost: boolean;
  color: boolean;
}

export interface SessionState {
  /** PIDs (with their starttime) that this session stopped and has not killed or thawed. */
  frozen: Map<number, { starttime: number; comm: string }>;
  /** Human lines of what was done, for the `journal` command. */
  history: string[];
  /**
   * How many processes the last command changed (stopped, killed or
   * continued): set by freeze/kill/thaw/rescue, reset to undefined by the
   * REPL before each command. `loop until-stable` stops when it is 0.
   */
  lastChanged: number | undefined;
  /** cgroups this session froze as a whole (for kill and thaw). */
  frozenCgroups: Array<{ version: 1 | 2; path: string; dir: string }>;
  /** The journal file, opened at the first signal of the session. */
  journal: Journal | undefined;
  /** Where the journal could not be opened (path: errno), for the report. */
  journalFailures: string[];
}

export interface RunContext {
  opts: GlobalOptions;
  session: SessionState;
  /** True in the interactive REPL (a person at a TTY can be asked). */
  interactive: boolean;
  /** Ask a yes/no question on the terminal; false when nobody can answer. */
  confirm(question: string): boolean;
}

export function newSession(): SessionState {
  return { frozen: new Map(), history: [], lastChanged: undefined, frozenCgroups: [], journal: undefined, journalFailures: [] };
}
