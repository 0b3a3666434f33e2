/**
 * The bombs and the sandbox init refuse to run outside a sandbox. As a
 * safety net, each run happens as the only task of a pids cgroup capped at
 * 1 task: even a broken guard could not fork there, and the cgroup's
 * pids.events shows whether anything tried (it must stay at 0: the guard
 * refuses before the first fork).
 */
import { afterAll, describe, expect, test } from "bun:test";
import { spawnSync } from "node:child_process";
import { SandboxCgroup } from "../helpers/cgroup.ts";
import { BOMBS_DIR, FORKBOMB, SBINIT } from "../helpers/paths.ts";

const cgroups: SandboxCgroup[] = [];
afterAll(() => {
  for (const cg of cgroups) cg.remove();
});

/** Run argv in a fresh cgroup with room for `cap` tasks (1: no fork can succeed). */
function runCapped(argv: string[], env: Record<string, string>, cap = 1): { code: number | null; stderr: string; refused: number } {
  const cg = SandboxCgroup.create(cap);
  cgroups.push(cg);
  const r = spawnSync("/bin/sh", ["-c", 'echo $$ > "$0" && exec "$@"', cg.procsFile("bomb"), ...argv], {
    encoding: "utf8",
    env: { PATH: "/usr/sbin:/usr/bin:/sbin:/bin", ...env },
    timeout: 20_000,
  });
  const refused = cg.events("bomb") + cg.events();
  cg.remove();
  return { code: r.status, stderr: r.stderr, refused };
}

const BOMBS: Array<[string, string[]]> = [
  ["forkbomb", [FORKBOMB]],
  ["rogue.sh", [`${BOMBS_DIR}/rogue.sh`]],
  ["funcbomb.sh", [`${BOMBS_DIR}/funcbomb.sh`]],
];

describe("bombs refuse to run outside the sandbox", () => {
  for (const [name, argv] of BOMBS) {
    test(`${name} without PIDRESCUE_SANDBOX=1`, () => {
      const r = runCapped(argv, {});
      expect(r.code).toBe(2);
      expect(r.stderr).toContain("PIDRESCUE_SANDBOX=1 is not set");
      expect(r.refused).toBe(0);
    });

    test(`${name} with PIDRESCUE_SANDBOX=1 in the host's PID namespace`, () => {
      const r = runCapped(argv, { PIDRESCUE_SANDBOX: "1" });
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/refusing to run: (this is the host's PID namespace|PID 1 is '.*', not the sandbox init)/);
      expect(r.refused).toBe(0);
    });

    test(`${name} in a PID namespace whose PID 1 is not sbinit`, () => {
      // The bomb is PID 1 of a fresh namespace itself; room for unshare and the bomb only.
      const r = runCapped(["unshare", "--pid", "--fork", "--mount-proc", ...argv], { PIDRESCUE_SANDBOX: "1" }, 2);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/refusing to run: PID 1 (of this namespace )?is /);
      expect(r.refused).toBe(0);
    });
  }

  test("sbinit refuses unless it is PID 1 of a new namespace", () => {
    const r = runCapped([SBINIT, "--", "/bin/true"], { PIDRESCUE_SANDBOX: "1" });
    expect(r.code).toBe(64);
    expect(r.stderr).toContain("must be PID 1 of a new PID namespace");
    expect(r.refused).toBe(0);
  });
});
