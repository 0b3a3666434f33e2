#!/usr/bin/env bun
/**
 * Check the README's two set-up commands on a fresh clone:
 *
 *   bun scripts/fresh-clone-check.ts [--head] [--test-file FILE] [--keep]
 *
 * 1. Snapshot: by default the WORKING TREE (tracked files as they are now,
 *    plus untracked files that are not ignored) is committed into a scratch
 *    repository, so uncommitted work is checked too. With --head, the
 *    repository's HEAD is cloned as it is.
 * 2. `git clone` that into a temp dir: no node_modules, no dist, no bench/bin.
 * 3. Run the README's first command (install, build, run: `npm ci && npm start`)
 *    in full; it must exit 0 and leave dist/pidrescue behind.
 * 4. Run the README's second command (`npm ci && npm test`) with `-- FILE`
 *    appended, so test-setup, the build and `bun test` all run but bun test
 *    runs one quick file instead of the whole suite (which would recurse).
 *
 * The commands come from README.md (lines in a code block that start with
 * `npm `); without a README the defaults above are used and said so.
 * Needs node, npm and git on PATH, and the npm registry (or its cache).
 * Exits 0 when both commands passed.
 */
import { spawnSync } from "node:child_process";
import { chmodSync, copyFileSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, resolve } from "node:path";

const root = resolve(import.meta.dir, "..");
export const DEFAULT_COMMANDS = { run: "npm ci && npm start", test: "npm ci && npm test" };
export const DEFAULT_TEST_FILE = "test/unit/sandbox-helpers.test.ts";

export interface StepResult {
  step: string;
  command: string;
  code: number | null;
  ms: number;
  tail: string;
}

export interface CheckResult {
  ok: boolean;
  source: "working tree" | "HEAD";
  commandsFrom: "README.md" | "defaults";
  dir: string;
  steps: StepResult[];
}

/** The install-and-run and the test command from a README text, if it has them. */
export function readmeCommands(readme: string): { run: string; test: string } | undefined {
  const lines: string[] = [];
  let inCode = false;
  for (const raw of readme.split("\n")) {
    const line = raw.trim();
    if (line.startsWith("```")) {
      inCode = !inCode;
      continue;
    }
    // "$ " prompts and trailing "# comments" are not part of the command.
    const cmd = line.replace(/^\$\s+/, "").replace(/\s+#.*$/, "");
    if (inCode && cmd.startsWith("npm ")) lines.push(cmd);
  }
  const test = lines.find((l) => /\bnpm (run )?test\b/.test(l));
  const run = lines.find((l) => l !== test && /\bnpm (start|run start)\b/.test(l));
  return run !== undefined && test !== undefined ? { run, test } : undefined;
}

/** The test command with `-- FILE` appended to its final `npm test`. */
export function narrowTestCommand(command: string, file: string): string {
  if (!/\bnpm (run )?test\s*$/.test(command)) throw new Error(`cannot narrow '${command}': it does not end with npm test`);
  return `${command} -- ${file}`;
}

export function freshCloneCheck(opts: { head?: boolean; testFile?: string; keep?: boolean; log?: (s: string) => void } = {}): CheckResult {
  const log = opts.log ?? ((s: string) => console.error(s));
  const work = mkdtempSync(`${tmpdir()}/pidrescue-clone-`);
  const steps: StepResult[] = [];
  const readme = existsSync(`${root}/README.md`) ? readmeCommands(readFileSync(`${root}/README.md`, "utf8")) : undefined;
  const commands = readme ?? DEFAULT_COMMANDS;
  if (!readme) log("fresh-clone: README.md has no `npm ...` set-up commands in a code block; using the defaults");
  const result: CheckResult = {
    ok: false,
    source: opts.head ? "HEAD" : "working tree",
    commandsFrom: readme ? "README.md" : "defaults",
    dir: work,
    steps,
  };
  try {
    const origin = opts.head ? root : snapshotWorkingTree(`${work}/snapshot`);
    const clone = `${work}/clone`;
    git(["clone", "-q", origin, clone], work);
    const run = step(steps, "install, build, run", commands.run, clone, log);
    if (run.code !== 0) return result;
    if (!existsSync(`${clone}/dist/pidrescue`)) {
      steps.push({ step: "binary built", command: "test -x dist/pidrescue", code: 1, ms: 0, tail: "dist/pidrescue missing" });
      return result;
    }
    const test = step(steps, "test command (one file)", narrowTestCommand(commands.test, opts.testFile ?? DEFAULT_TEST_FILE), clone, log);
    result.ok = test.code === 0;
    return result;
  } finally {
    if (!opts.keep) rmSync(work, { recursive: true, force: true });
  }
}

/** Commit tracked + untracked-but-not-ignored files, as they are on disk, into a scratch repo. */
function snapshotWorkingTree(dest: string): string {
  const list = spawnSync("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], { cwd: root, encoding: "utf8" });
  if (list.status !== 0) throw new Error(`git ls-files failed: ${list.stderr}`);
  mkdirSync(dest, { recursive: true });
  for (const rel of new Set(list.stdout.split("\0").filter((f) => f !== ""))) {
    const src = `${root}/${rel}`;
    let st: ReturnType<typeof lstatSync>;
    try {
      st = lstatSync(src);
    } catch (e) {
      if ((e as { code?: string }).code === "ENOENT") continue; // deleted in the working tree: not part of the snapshot
      throw e;
    }
    const to = `${dest}/${rel}`;
    mkdirSync(dirname(to), { recursive: true });
    if (st.isSymbolicLink()) symlinkSync(readlinkSync(src), to);
    else if (st.isFile()) {
      copyFileSync(src, to);
      chmodSync(to, st.mode & 0o777);
    }
  }
  git(["init", "-q"], dest);
  git(["add", "-A"], dest);
  git(["-c", "user.name=fresh-clone-check", "-c", "user.email=check@localhost", "commit", "-q", "-m", "working tree snapshot"], dest);
  return dest;
}

function step(steps: StepResult[], name: string, command: string, cwd: string, log: (s: string) => void): StepResult {
  log(`fresh-clone: ${name}: ${command}`);
  const t0 = Date.now();
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    // The clone must not inherit this checkout's runtime settings.
    if (v !== undefined && !k.startsWith("BUN_") && !k.startsWith("npm_") && k !== "NODE_OPTIONS") env[k] = v;
  }
  const r = spawnSync("/bin/sh", ["-c", command], { cwd, encoding: "utf8", env, timeout: 10 * 60_000, maxBuffer: 64 << 20 });
  const all = `${r.stdout ?? ""}${r.stderr ?? ""}`;
  const s: StepResult = { step: name, command, code: r.status, ms: Date.now() - t0, tail: all.slice(-3000) };
  steps.push(s);
  log(`fresh-clone: ${name}: exit ${r.status} in ${(s.ms / 1000).toFixed(1)} s`);
  return s;
}

function git(args: string[], cwd: string): void {
  const r = spawnSync("git", args, { cwd, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`git ${args.join(" ")} failed: ${r.stderr}`);
}

if (import.meta.main) {
  const argv = process.argv.slice(2);
  const i = argv.indexOf("--test-file");
  const r = freshCloneCheck({ head: argv.includes("--head"), keep: argv.includes("--keep"), testFile: i >= 0 ? argv[i + 1] : undefined });
  for (const s of r.steps) {
    console.log(`${s.code === 0 ? "ok  " : "FAIL"} ${s.step} (${(s.ms / 1000).toFixed(1)} s): ${s.command}`);
    if (s.code !== 0) console.log(s.tail);
  }
  console.log(`${r.ok ? "PASS" : "FAIL"}: fresh clone of the ${r.source}, commands from ${r.commandsFrom}${argv.includes("--keep") ? `, kept in ${r.dir}` : ""}`);
  process.exit(r.ok ? 0 : 1);
}
