/**
 * The one command every release artifact runs besides --version, natively or
 * under qemu.
 *
 * >>> SWITCH POINT (the only one): `ps --proc-root <fixture tree>` is the
 * intended smoke test (issue 5: "runs a ps on a fixture tree"). Until the ps
 * command and test/helpers/fixture-proc.ts exist, SMOKE is "doctor": it reads
 * /proc/self and prints JSON. To switch, set SMOKE = "ps" and make
 * `psFixture()` build the tree with the fixture helper.
 */
import { spawnSync } from "node:child_process";

export type Smoke = "doctor" | "ps";

export const SMOKE: Smoke = "doctor";

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

/** `ps --proc-root <fixture>`: not wired yet (see the switch point above). */
function psFixture(_cmd: string[], _env: NodeJS.ProcessEnv): string {
  throw new Error("SMOKE = ps needs test/helpers/fixture-proc.ts; wire it in psFixture()");
}
