/**
 * The REPL in a real terminal (tmux), compiled binary, outside any sandbox:
 * typing, the line discipline's editing, ^C at the prompt and during a
 * command, help on a 24x80 screen, ^D, and `shell` handing the same PID to
 * a shell. The last test runs the REPL as the only task of a pids cgroup
 * with pids.max=1 and checks that not one task creation was refused.
 */
import { afterEach, beforeAll, describe, expect, test } from "bun:test";
import { existsSync } from "node:fs";
import { BINARY, shq } from "../helpers/paths.ts";
import { Tmux } from "../helpers/tmux.ts";
import { SandboxCgroup } from "../helpers/cgroup.ts";

let tmux: Tmux | undefined;
let cgroup: SandboxCgroup | undefined;

beforeAll(() => {
  if (!existsSync(BINARY)) throw new Error(`${BINARY} missing: run \`bun scripts/build.ts\` (npm test does)`);
});

afterEach(() => {
  tmux?.kill();
  tmux = undefined;
  if (cgroup !== undefined) {
    const r = cgroup.remove();
    cgroup = undefined;
    if (!r.removed) throw new Error(`sandbox cgroup not removed (${r.leftover} tasks left)`);
  }
});

/** Start the REPL in a fresh 80x24 terminal; returns the PID from the banner. */
function startRepl(command = shq(BINARY)): { t: Tmux; pid: number } {
  const t = new Tmux("repl");
  tmux = t;
  t.start(`${command}; echo "EXIT=$?"`, 80, 24);
  const text = t.waitFor(IDLE_PROMPT);
  const m = /^pidrescue \S+ {2}pid (\d+), 1 thread; \d+ processes, pid_max \d+\. Type help\.$/m.exec(text);
  if (!m?.[1]) throw new Error(`no banner:\n${text}`);
  return { t, pid: Number(m[1]) };
}

/** A prompt, with or without what was typed after it. */
const PROMPT = /^pidrescue>/gm;
const IDLE_PROMPT = /^pidrescue> ?$/m;
/** Generous: other suites may be loading the machine with fork bombs. */
const T = 120_000;
const prompts = (t: Tmux): number => t.history().match(PROMPT)?.length ?? 0;

describe("REPL on a terminal", () => {
  test("commands, a typo with a suggestion, line editing, ^C at the prompt", () => {
    const { t } = startRepl();
    t.line("doctor");
    t.waitFor(/^threads +1 \(ok: zero-thread rule holds\)$/m);
    t.line("docter");
    t.waitFor(/^error: unknown command 'docter' \(did you mean 'doctor'\?\)$/m);
    // ^U and ^W are the terminal's: the line that arrives is "help loop".
    t.type("kill everything");
    t.keys("C-u");
    t.type("help wrong");
    t.keys("C-w");
    t.line("loop");
    t.waitFor(/^usage: loop N\|until-stable COMMAND/m);
    expect(t.history()).not.toContain("unknown command 'kill");
    // ^C with a half-typed line: the line is dropped and a new prompt comes.
    const before = prompts(t);
    t.type("kill name=oops");
    t.keys("C-c");
    t.waitFor(PROMPT, 30_000, before + 1);
    t.line("doctor");
    t.waitFor(/^threads +1 \(ok/m, 30_000, 2);
    expect(t.history()).not.toMatch(/^error: .*oops/m);
    expect(t.history()).not.toContain("EXIT=");
  }, T);

  test("^C during a command stops it and the REPL stays", () => {
    const { t } = startRepl();
    t.line("loop 100000 journal");
    t.waitFor(/^loop round 20\/100000/m);
    t.keys("C-c");
    t.waitFor(/^warning: loop stopped by \^C after \d+ rounds$/m);
    t.waitFor(IDLE_PROMPT);
    t.line("doctor");
    t.waitFor(/^threads +1 \(ok/m);
    expect(t.history()).not.toContain("EXIT=");
  }, T);

  test("help fits one 24x80 screen together with the prompt", () => {
    const { t } = startRepl();
    t.line("help");
    t.waitFor(/^ {10}--no-color --rescue SELECTOR.*\npidrescue> ?$/m);
    const screen = t.screen().split("\n");
    expect(screen.length).toBeLessThanOrEqual(24);
    expect(screen).toContain("pidrescue - rescue a machine whose process table is full (never forks)");
    expect(screen[screen.length - 1]?.trimEnd()).toBe("pidrescue>");
    for (const l of screen) expect(l.length).toBeLessThanOrEqual(80);
  }, T);

  test("the prompt is bold on a terminal, plain with NO_COLOR", () => {
    const { t } = startRepl();
    expect(t.screenWithEscapes()).toMatch(/\u001b\[1mpidrescue>/);
    t.kill();
    const plain = startRepl(`NO_COLOR=1 ${shq(BINARY)}`).t;
    plain.line("docter");
    plain.waitFor(/did you mean 'doctor'/);
    expect(plain.screenWithEscapes()).not.toContain("\u001b[");
  }, T);

  test("^D at the prompt leaves with exit code 0", () => {
    const { t } = startRepl();
    t.keys("C-d");
    t.waitFor(/^EXIT=0$/m);
  }, T);

  test("exit leaves with 0; quit too", () => {
    for (const word of ["exit", "quit"]) {
      const { t } = startRepl();
      t.line(word);
      t.waitFor(/^EXIT=0$/m);
      t.kill();
    }
  }, T);

  test("shell /bin/sh replaces pidrescue: same PID, signals back to default", () => {
    const { t, pid } = startRepl();
    t.line("shell /bin/sh");
    t.waitFor(/^exec \/bin\/sh \(from argument\)/m);
    t.line('echo "PID=$$"; yes | head -n 1 >/dev/null; echo "PIPE=$?"');
    // Not anchored at ^: keys typed before the shell's first prompt are echoed ahead of it.
    const text = t.waitFor(/PID=\d+$/m);
    expect(Number(/PID=(\d+)$/m.exec(text)?.[1])).toBe(pid);
    // SIGPIPE is not left ignored for the shell's children (Bun ignores it).
    t.waitFor(/PIPE=0$/m);
    expect(t.history()).not.toContain("Broken pipe");
    t.line("exit");
    t.waitFor(/^EXIT=0$/m);
  }, T);
});

describe("REPL zero-thread rule on a terminal", () => {
  test("under pids.max=1 nothing the REPL does asks for a task", () => {
    cgroup = SandboxCgroup.create(50);
    cgroup.setMax("victim", 1);
    const procs = cgroup.procsFile("victim");
    const { t, pid } = startRepl(`sh -c ${shq(`echo $$ > ${procs} && exec ${shq(BINARY)}`)}`);
    expect(cgroup.procs("victim")).toEqual([pid]);
    t.line("doctor");
    t.waitFor(/^threads +1 \(ok/m);
    t.line("docter");
    t.waitFor(/did you mean 'doctor'/);
    const before = prompts(t);
    t.type("abc");
    t.keys("C-c");
    t.waitFor(PROMPT, 30_000, before + 1);
    t.line("loop 100000 journal --tail 1");
    t.waitFor(/^loop round 20\/100000/m);
    t.keys("C-c");
    t.waitFor(/loop stopped by \^C/);
    t.resize(100, 30);
    t.line("help");
    t.waitFor(/^ {10}--no-color --rescue SELECTOR/m);
    t.line("doctor --json");
    t.waitFor(/^\{"pidrescue":1,"command":"doctor".*"threads":1,/m);
    expect(cgroup.events("victim")).toBe(0);
    expect(cgroup.tasks("victim")).toEqual([pid]);
    t.line("exit");
    t.waitFor(/^EXIT=0$/m);
  }, T);
});
