/**
 * Run a command as the only task of a fresh pids cgroup with pids.max = 1:
 * any attempt to create a thread or process is refused by the kernel and
 * counted in pids.events ("max N"), even one that does not crash the
 * program. The release verification uses it to show that every artifact
 * it can run natively boots with zero threads, like the main build.
 * cgroup v1 (pids hierarchy) or v2 (pids enabled in the root's subtree);
 * otherwise the caller gets a reason to skip.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export interface CappedRun {
  status: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
  /** Task creations the kernel refused while it ran. */
  refused: number;
}

let serial = 0;

/** Where a pids cgroup can be made, or a reason why not. */
export function pidsCgroupBase(): { base: string } | { skip: string } {
  if (existsSync("/sys/fs/cgroup/pids/cgroup.procs")) return { base: "/sys/fs/cgroup/pids" };
  const v2 = "/sys/fs/cgroup";
  if (existsSync(join(v2, "cgroup.subtree_control"))) {
    if (readFileSync(join(v2, "cgroup.subtree_control"), "utf8").split(/\s+/).includes("pids")) return { base: v2 };
    return { skip: "cgroup v2 root does not delegate the pids controller (cgroup.subtree_control)" };
  }
  return { skip: "no pids cgroup controller mounted" };
}

export function runUnderPidsMax1(base: string, argv: string[], env: NodeJS.ProcessEnv): CappedRun {
  const dir = join(base, `pidrescue-verify-${process.pid}-${serial++}`);
  mkdirSync(dir);
  try {
    writeFileSync(join(dir, "pids.max"), "1");
    // The shell moves itself into the cgroup, then execs the command: no fork anywhere.
    const r = spawnSync("/bin/sh", ["-c", 'echo $$ > "$0/cgroup.procs" && exec "$@"', dir, ...argv], {
      env,
      encoding: "utf8",
      timeout: 60_000,
    });
    const events = readFileSync(join(dir, "pids.events"), "utf8");
    const m = /^max (\d+)$/m.exec(events);
    return { status: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr, refused: m?.[1] ? Number(m[1]) : -1 };
  } finally {
    removeCgroup(dir);
  }
}

function removeCgroup(dir: string): void {
  for (let i = 0; i < 50; i++) {
    try {
      rmdirSync(dir);
      return;
    } catch (e) {
      // EBUSY: the task we started is still exiting; it is ours and already
      // signalled by spawnSync's timeout, so wait a moment and retry.
      if ((e as { code?: string }).code !== "EBUSY") throw e;
      Bun.sleepSync(100);
    }
  }
  throw new Error(`could not remove ${dir}: still busy`);
}
