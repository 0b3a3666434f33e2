/**
 * What every command gets: the options that apply to all of them and the
 * session state that outlives one command in the REPL (the journal, what is
 * frozen right now).
 */
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
  return { frozen: new Map(), history: [] };
}
