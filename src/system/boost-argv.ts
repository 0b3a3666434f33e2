/**
 * Which command lines are rescue paths, decided before the application is
 * loaded (boot.ts, stage 2): they go to SCHED_FIFO first, so parsing,
 * loading the commands and the scan already run at real-time priority.
 * Loading the application before the chrt hop cost 5-6 ms of CPU, which a
 * saturated machine stretches by the number of runnable processes.
 *
 * Pure and conservative: true only for the spellings that are certainly a
 * rescue path (full command names and aliases, the REPL, --rescue). An
 * abbreviation (`resc`) or anything unusual answers false; main.ts then
 * makes the same decision after the full parse (one hop later). Getting it
 * wrong costs one exec, never a wrong signal: this only picks the priority.
 * Must stay import-free (it runs before anything else is loaded).
 */

/** Commands that signal (main.ts RESCUE_COMMANDS) with their registry aliases. */
const SIGNALLING_WORDS = new Set(["rescue", "freeze", "stop", "kill", "thaw", "cont", "resume"]);

/** Flags (global, and the signalling commands' own) whose value may be the next word. */
const VALUE_FLAGS = new Set(["--proc-root", "--procRoot", "--journal", "--rescue", "--max-rounds", "--maxRounds"]);

/** Flags after which main.ts does not boost, or that only print. */
const NO_BOOST_FLAGS = new Set(["--no-boost", "--boost=false", "--dry-run", "--dryRun", "--help", "--version", "-n", "-h", "-V"]);

/** Is this command line (process.argv.slice(2)) certainly a rescue path? */
export function isBoostedCommandLine(argv: readonly string[]): boolean {
  let word: string | undefined;
  let rescueFlag = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] ?? "";
    if (a === "--") return false; // unusual: leave it to the full parser
    if (NO_BOOST_FLAGS.has(a)) return false;
    if (a.startsWith("--")) {
      const eq = a.indexOf("=");
      const flag = eq > 0 ? a.slice(0, eq) : a;
      if (flag === "--rescue") rescueFlag = true;
      if (flag === "--dry-run" || flag === "--boost") return false; // --dry-run=true, --boost=...
      if (eq < 0 && VALUE_FLAGS.has(flag)) i++;
      continue;
    }
    if (a.startsWith("-") && a.length > 1) {
      if (/[nhV]/.test(a.slice(1))) return false; // a cluster such as -yn
      continue;
    }
    word ??= a;
  }
  if (rescueFlag) return true;
  return word === undefined || SIGNALLING_WORDS.has(word);
}
