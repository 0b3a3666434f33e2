/**
 * Script mode (`pidrescue < script.txt`) and the one-shot flag surface,
 * against the compiled binary: every bad line is one error line and the
 * script goes on, nothing is signalled on a parse error, the exit code is
 * the highest of the lines, --json gives one envelope per command.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { closeSync, constants, existsSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BINARY } from "../helpers/paths.ts";
import { SandboxCgroup } from "../helpers/cgroup.ts";

let dir = "";
/** Generous: other suites may be loading the machine with fork bombs. */
const T = 120_000;

beforeAll(() => {
  if (!existsSync(BINARY)) throw new Error(`${BINARY} missing: run \`bun scripts/build.ts\` (npm test does)`);
  dir = mkdtempSync(join(tmpdir(), "pidrescue-script-"));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Run the binary with stdin = a regular file holding `script` (or a pipe with `pipe`). */
function runScript(script: string, args: string[] = [], how: "file" | "pipe" = "file"): Run {
  if (how === "pipe") {
    const r = spawnSync(BINARY, args, { input: script, encoding: "utf8", timeout: 30_000 });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
  }
  const path = join(dir, `script-${Math.random().toString(36).slice(2)}.txt`);
  writeFileSync(path, script);
  const fd = openSync(path, "r");
  try {
    const r = spawnSync(BINARY, args, { stdio: [fd, "pipe", "pipe"], encoding: "utf8", timeout: 30_000 });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
  } finally {
    closeSync(fd);
  }
}

function run(args: string[]): Run {
  const r = spawnSync(BINARY, args, { stdio: ["ignore", "pipe", "pipe"], encoding: "utf8", timeout: 30_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** stderr lines between the echo of `command` and the next echo. */
function after(stderr: string, command: string): string[] {
  const lines = stderr.split("\n");
  const i = lines.indexOf(`> ${command}`);
  if (i < 0) throw new Error(`no echo of ${command} in:\n${stderr}`);
  const out: string[] = [];
  for (const l of lines.slice(i + 1)) {
    if (l.startsWith("> ")) break;
    if (l !== "") out.push(l);
  }
  return out;
}

function jsonLines(stdout: string): Array<Record<string, unknown>> {
  return stdout
    .split("\n")
    .filter((l) => l !== "")
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

describe("script mode", () => {
  const BAD = [
    ["docter", /^error: unknown command 'docter' \(did you mean 'doctor'\?\)$/],
    ["ps --bogus", /^error: unknown flag --bogus/],
    ["doctor --jsn", /^error: unknown flag --jsn \(did you mean --json\?\)/],
    ["ps 'name=a b", /^error: unterminated ' quote/],
    ["loop", /^error: loop needs a count or until-stable/],
    ["loop ps", /^error: loop needs a count .* not 'ps'/],
    ["loop 3", /^error: loop 3 needs a command/],
    ["frobnicate", /^error: unknown command 'frobnicate'$/],
    ["ps --proc-root /tmp", /^error: --proc-root applies to the whole session/],
    ["journal --tail many", /^error: --tail needs a whole number/],
  ] as const;

  test("each bad line gives exactly one error line and the script goes on; exit 2", () => {
    const script = ["# a comment", "", "doctor", ...BAD.map(([line]) => line), "help", "doctor", ""].join("\n");
    const r = runScript(script);
    for (const [line, message] of BAD) {
      const lines = after(r.stderr, line);
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(message);
    }
    // Both doctors ran: the one after all the errors too.
    expect(r.stdout.match(/^threads +1 \(ok/gm)?.length).toBe(2);
    expect(r.stdout).toContain("SELECTOR  name=rogue.sh");
    expect(r.stderr).not.toContain("> # a comment");
    expect(r.code).toBe(2);
  }, T);

  test("a clean script exits 0; CRLF and a last line without newline work", () => {
    const r = runScript("doctor\r\nhelp loop\r\njournal");
    expect(r.code).toBe(0);
    expect(r.stderr.split("\n").filter((l) => l.startsWith("> "))).toEqual(["> doctor", "> help loop", "> journal"]);
    expect(r.stdout).toContain("usage: loop");
    expect(r.stdout).toContain("journal file:");
  }, T);

  test("exit ends the script; what follows is not run", () => {
    const r = runScript("doctor\nexit\ndocter\n");
    expect(r.code).toBe(0);
    expect(r.stderr).not.toContain("docter");
  }, T);

  test("loop repeats; global flags on a line apply to that line only", () => {
    const r = runScript("loop 3 doctor --json\ndoctor\n");
    expect(r.code).toBe(0);
    const docs = r.stdout.split("\n").filter((l) => l.startsWith("{"));
    expect(docs).toHaveLength(3);
    expect(r.stdout.match(/^threads +1 \(ok/gm)?.length).toBe(1);
  }, T);

  test("--json: one envelope per command, errors included; exit code is the worst", () => {
    const r = runScript("doctor\ndocter\nloop x ps\n", ["--json"], "pipe");
    const docs = jsonLines(r.stdout);
    expect(docs).toHaveLength(3);
    expect(docs[0]).toMatchObject({ pidrescue: 1, command: "doctor", threads: 1, pid: expect.any(Number) });
    expect(docs[1]).toEqual({ pidrescue: 1, command: null, error: { code: "UNKNOWN_COMMAND", message: expect.stringContaining("did you mean 'doctor'"), exit: 2 } });
    expect(docs[2]).toMatchObject({ pidrescue: 1, command: "loop", error: { code: "USAGE", exit: 2 } });
    expect(r.code).toBe(2);
  }, T);

  for (const how of ["file", "pipe"] as const) {
    test(`shell leaves the rest of stdin (${how}) to the shell, which has pidrescue's PID`, () => {
      const r = runScript('doctor --json\nshell /bin/sh\necho "SHELL-PID=$$"\necho "after=$0"\n', [], how);
      const doc = jsonLines(r.stdout.split("\n").filter((l) => l.startsWith("{")).join("\n"))[0];
      expect(doc?.command).toBe("doctor");
      expect(r.stdout).toContain(`SHELL-PID=${doc?.pid}\n`);
      expect(r.stdout).toMatch(/after=-?\/bin\/sh|after=-sh/);
      expect(r.code).toBe(0);
    }, T);
  }

  test("no signal is sent on a line that does not parse", async () => {
    const victim = spawn("sleep", ["60"], { stdio: "ignore" });
    try {
      const pid = victim.pid as number;
      const lines = [
        `kill 'pid=${pid}`,
        `kill pid=${pid} --bogus`,
        `kilk pid=${pid}`,
        `loop kill pid=${pid}`,
        `loop 0 kill pid=${pid}`,
        `freeze pid=${pid} "`,
        `frobnicate pid=${pid}`,
        `kill pid=${pid} --proc-root /proc`,
      ];
      const r = runScript(`${lines.join("\n")}\n`);
      for (const l of lines) expect(after(r.stderr, l)).toHaveLength(1);
      expect(r.code).toBe(2);
      const state = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.[0];
      expect(state).toBe("S");
      expect(victim.exitCode).toBeNull();
      expect(victim.signalCode).toBeNull();
    } finally {
      victim.kill("SIGKILL");
    }
  }, T);

  test("^C (SIGINT) stops a running script with exit 4, between commands or in a loop", async () => {
    const child = spawn(BINARY, [], { stdio: ["pipe", "pipe", "pipe"] });
    try {
      let stderr = "";
      child.stderr?.on("data", (d: Buffer) => {
        stderr += d.toString();
      });
      child.stdout?.resume(); // drain: a full stdout pipe would block pidrescue in write()
      const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
      child.stdin?.write("loop 100000 journal\n");
      await waitUntil(() => stderr.includes("loop round 3/"), child);
      child.kill("SIGINT");
      const code = await Promise.race([exited, new Promise<"timeout">((r) => setTimeout(() => r("timeout"), 10_000))]);
      expect(code).toBe(4);
      expect(stderr).toMatch(/loop stopped by \^C after \d+ rounds/);
      expect(stderr).toContain("interrupted (^C): the rest of the script is skipped");
    } finally {
      child.kill("SIGKILL");
    }
  }, T);

  test("^C while the script waits for input on a pipe stops it with exit 4; no task is ever created", async () => {
    // A FIFO, not spawn()'s stdin "pipe" (a socketpair, which cannot be
    // re-opened non-blocking, so a ^C there waits for the next line).
    const fifo = join(dir, "fifo");
    spawnSync("mkfifo", [fifo]);
    const readEnd = openSync(fifo, constants.O_RDONLY | constants.O_NONBLOCK);
    const writeEnd = openSync(fifo, constants.O_WRONLY);
    // The only task of a pids cgroup at pids.max=1: any thread would be refused and counted.
    const cg = SandboxCgroup.create(50);
    cg.setMax("victim", 1);
    const child = spawn("sh", ["-c", `echo $$ > ${cg.procsFile("victim")} && exec ${BINARY}`], { stdio: [readEnd, "pipe", "pipe"] });
    closeSync(readEnd);
    try {
      let stderr = "";
      child.stderr?.on("data", (d: Buffer) => {
        stderr += d.toString();
      });
      child.stdout?.resume(); // drain: a full stdout pipe would block pidrescue in write()
      const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
      writeSync(writeEnd, "help loop\nloop 3 doctor\n");
      await waitUntil(() => stderr.includes("> loop 3 doctor") && stderr.includes("round 3/3"), child);
      expect(cg.procs("victim")).toEqual([child.pid as number]);
      child.kill("SIGINT");
      const code = await Promise.race([exited, new Promise<"timeout">((r) => setTimeout(() => r("timeout"), 10_000))]);
      expect(code).toBe(4);
      expect(stderr).toContain("interrupted (^C): the rest of the script is skipped");
      expect(cg.events("victim")).toBe(0);
    } finally {
      child.kill("SIGKILL");
      closeSync(writeEnd);
      const r = cg.remove();
      expect(r.removed).toBe(true);
    }
  }, T);

  test("EOF with nothing read exits 0", () => {
    expect(runScript("").code).toBe(0);
  }, T);
});

describe("one-shot flags", () => {
  test("global flags anywhere on the line", () => {
    for (const args of [["--json", "doctor"], ["doctor", "--json"], ["--proc-root", "/proc", "doctor", "--json"]]) {
      const r = run(args);
      expect(r.code).toBe(0);
      const docs = jsonLines(r.stdout);
      expect(docs).toHaveLength(1);
      expect(docs[0]).toMatchObject({ pidrescue: 1, command: "doctor", threads: 1 });
    }
  }, T);

  test("usage errors exit 2 with one error line; --json adds an error envelope", () => {
    const cases: Array<[string[], RegExp]> = [
      [["docter"], /unknown command 'docter' \(did you mean 'doctor'\?\)/],
      [["--bogus"], /unknown flag --bogus/],
      [["doctor", "--bogus"], /unknown flag --bogus/],
      [["--rescue"], /--rescue needs a value/],
      [["--journal"], /--journal needs a value/],
      [["shell"], /shell works only inside the REPL/],
      [["journal", "--tail", "x"], /--tail needs a whole number/],
    ];
    for (const [args, message] of cases) {
      const r = run(args);
      expect(r.code).toBe(2);
      expect(r.stderr.split("\n")[0]).toMatch(message);
      const j = run(["--json", ...args]);
      expect(j.code).toBe(2);
      const docs = jsonLines(j.stdout);
      expect(docs).toHaveLength(1);
      expect(docs[0]?.error).toMatchObject({ exit: 2, message: expect.stringMatching(message) });
    }
  }, T);

  test("--rescue SEL --yes --json: one JSON envelope whose exit matches the process exit code", () => {
    const r = run(["--rescue", "pid=4194304999", "--yes", "--json"]);
    const docs = jsonLines(r.stdout);
    expect(docs).toHaveLength(1);
    const doc = docs[0] as Record<string, unknown> & { error?: { exit: number } };
    expect(doc.pidrescue).toBe(1);
    expect(doc.command).toBe("rescue");
    expect([0, 1, 2, 3, 4, 5]).toContain(r.code as number);
    if (doc.error !== undefined) expect(doc.error.exit).toBe(r.code as number);
    expect(r.code).not.toBe(0); // nothing can match that PID
  }, T);

  test("--version and help", () => {
    expect(run(["--version"]).stdout).toMatch(/^pidrescue \d+\.\d+\.\d+ \(/);
    const h = run(["help"]);
    expect(h.code).toBe(0);
    expect(h.stdout).toContain("usage: pidrescue");
  }, T);
});

async function waitUntil(cond: () => boolean, child: ChildProcess, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (child.exitCode !== null) throw new Error(`pidrescue exited early with ${child.exitCode}`);
    if (Date.now() > end) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 20));
  }
}
