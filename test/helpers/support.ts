/**
 * What this machine offers the starvation sandbox, probed once: a pids
 * cgroup hierarchy (v1 or v2), util-linux unshare, a per-PID-namespace
 * pid_max (Linux 6.14+), the compiled helpers and the test user.
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { type PidsHierarchy, pidsHierarchy } from "./cgroup.ts";
import { FORKBOMB, SBINIT, TEST_USER, type UserIds, lookupUser } from "./paths.ts";

export interface SandboxSupport {
  root: boolean;
  cgroup: PidsHierarchy | { missing: string };
  unshare: boolean;
  /** A fresh PID namespace accepts its own pid_max (checked with 1000). */
  pidnsPidMax: boolean;
  /** bench/bin/sbinit and forkbomb are built (scripts/test-setup.ts). */
  helpers: boolean;
  testUser: UserIds | undefined;
}

let cached: SandboxSupport | undefined;

export function sandboxSupport(): SandboxSupport {
  if (cached) return cached;
  const root = process.getuid?.() === 0;
  const unshare = spawnSync("unshare", ["--version"], { stdio: "ignore" }).status === 0;
  cached = {
    root,
    cgroup: pidsHierarchy(),
    unshare,
    pidnsPidMax: root && unshare && probePidnsPidMax(1000),
    helpers: existsSync(SBINIT) && existsSync(FORKBOMB),
    testUser: lookupUser(TEST_USER),
  };
  return cached;
}

/** Why the sandbox cannot run here, or undefined when it can. */
export function sandboxUnavailable(): string | undefined {
  const s = sandboxSupport();
  if (!s.root) return "the sandbox needs root (namespaces, cgroups)";
  if ("missing" in s.cgroup) return s.cgroup.missing;
  if (!s.unshare) return "util-linux unshare is missing";
  if (!s.helpers) return "bench/bin helpers are not built: run `bun scripts/test-setup.ts`";
  return undefined;
}

/** Can a new PID namespace take `pidMax` as its own pid_max? (No bomb involved.) */
export function probePidnsPidMax(pidMax: number): boolean {
  const r = spawnSync(
    "unshare",
    ["--pid", "--fork", "--mount-proc", "/bin/sh", "-c", `echo ${pidMax} > /proc/sys/kernel/pid_max`],
    { stdio: "ignore", timeout: 10_000 },
  );
  return r.status === 0;
}
