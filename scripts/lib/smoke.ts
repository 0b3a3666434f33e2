/**
 * The one command every release artifact runs besides --version, natively or
 * under qemu.
 *
 * >>> SWITCH POINT (the only one): SMOKE = "ps" runs `ps --proc-root <fixture
 * tree>` (issue 5: "runs a ps on a fixture tree"), built with
 * test/helpers/fixture-proc.ts. "doctor" (reads /proc/self, prints JSON) was
 * the stand-in before ps existed; set it back only if ps is broken on purpose.
 */
import { spawnSync } from "node:child_process";
import { makeFixtureTree, removeFixtureTree } from "../../test/helpers/fixture-proc.ts";

export type Smoke = "doctor" | "ps";

export const SMOKE: Smoke = "ps";

/** Run the smoke command with `cmd` (qemu ... binary, or the binary); returns a short detail or throws. */
export function smokeRun(cmd: string[], env: NodeJS.ProcessEnv): string {
  return SMOKE === "ps" ? psFixture(cmd, env) : doctorJson(cmd, env);
}

/**
 * `doctor --json`. Under qemu-user the process has a second thread, qemu's
 * own RCU thread, so doctor's thread count (and its exit code 3 for
 * "more than one thread") is not the artifact's: only the fields that say
 * which binary ran are checked here; the thread rule is checked natively.
 */
function doctorJson(cmd: string[], env: NodeJS.ProcessEnv): string {
  const [exe, ...pre] = cmd;
  const r = spawnSync(exe ?? "", [...pre, "doctor", "--json"], { env, encoding: "utf8", timeout: 120_000 });
  let rep: { version?: string; threads?: number; runtime?: { compiled?: boolean; safeMode?: boolean } };
  try {
    rep = JSON.parse(r.stdout) as typeof rep;
  } catch {
    throw new Error(`doctor --json printed no JSON (exit ${r.status} ${r.signal ?? ""}):\n${r.stdout}${r.stderr}`);
  }
  if ((r.status !== 0 && r.status !== 3) || rep.runtime?.compiled !== true || rep.runtime?.safeMode !== true) {
    throw new Error(`doctor --json: exit ${r.status}, ${JSON.stringify(rep.runtime)}`);
  }
  return `doctor --json: compiled, safe mode, ${rep.threads} task(s) seen`;
}

/** `ps --proc-root <fixture>`: a tree of init, two sshd and 5 rogue.sh; the line naming rogue.sh must count 5. */
function psFixture(cmd: string[], env: NodeJS.ProcessEnv): string {
  const procs = [
    { pid: 1, comm: "init", ppid: 0 },
    { pid: 200, comm: "sshd" },
    { pid: 201, comm: "sshd", ppid: 200 },
    ...[300, 301, 302, 303, 304].map((pid) => ({ pid, comm: "rogue.sh", ppid: 300, pgrp: 300, state: "R" })),
  ];
  const tree = makeFixtureTree(procs);
  try {
    const [exe, ...pre] = cmd;
    const r = spawnSync(exe ?? "", [...pre, "ps", "--proc-root", tree], { env, encoding: "utf8", timeout: 120_000 });
    const top = r.stdout.split("\n").find((l) => /rogue\.sh/.test(l)) ?? "";
    if (r.status !== 0 || !/\b5\b/.test(top)) throw new Error(`ps --proc-root fixture: exit ${r.status} ${r.signal ?? ""}\n${r.stdout}${r.stderr}`);
    return `ps on a fixture tree: ${top.trim()}`;
  } finally {
    removeFixtureTree(tree);
  }
}
