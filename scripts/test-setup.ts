#!/usr/bin/env bun
/**
 * Test set-up, run by `npm test` before the suite (CI runs as root on a clean
 * checkout, so everything a test needs is made here, never by hand):
 *  - Debian packages the tests use (installed only when missing);
 *  - the C helpers in bench/ (sandbox init, bombs, reference scanner),
 *    compiled with the system cc into bench/bin/;
 *  - the unprivileged test user for the RLIMIT_NPROC tests.
 * Idempotent: a second run changes nothing.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, statSync } from "node:fs";
import { resolve } from "node:path";

const root = resolve(import.meta.dir, "..");

/** command that must exist -> Debian package that provides it */
export const DEBIAN_PACKAGES: Record<string, string> = {
  tmux: "tmux",
  strace: "strace",
  "qemu-x86_64": "qemu-user",
  "qemu-aarch64": "qemu-user",
  "dpkg-deb": "dpkg",
  man: "man-db",
  cc: "gcc",
  unshare: "util-linux",
  chrt: "util-linux",
  useradd: "passwd",
  "/usr/lib/x86_64-linux-gnu/libc.so": "libc6-dev",
  "/lib/ld-musl-x86_64.so.1": "musl",
  // verify-release runs the x64-musl artifact with these (scripts/lib/musl-glibc-shim.c)
  "/usr/lib/x86_64-linux-gnu/libstdc++.so.6": "libstdc++6",
};

export const TEST_USER = "pidrescue-test";

function have(cmd: string): boolean {
  if (cmd.startsWith("/")) return existsSync(cmd);
  return spawnSync("sh", ["-c", `command -v ${cmd}`], { stdio: "ignore" }).status === 0;
}

function run(cmd: string, args: string[], env?: Record<string, string>): void {
  const r = spawnSync(cmd, args, { stdio: "inherit", env: { ...process.env, ...env } });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} failed with ${r.status}`);
}

function installPackages(): void {
  const missing = [...new Set(Object.entries(DEBIAN_PACKAGES).filter(([c]) => !have(c)).map(([, p]) => p))];
  if (missing.length === 0) return;
  if (process.getuid?.() !== 0) {
    console.error(`test-setup: not root, cannot install ${missing.join(" ")}; tests that need them will fail`);
    return;
  }
  console.error(`test-setup: installing ${missing.join(" ")}`);
  const env = { DEBIAN_FRONTEND: "noninteractive" };
  run("apt-get", ["update", "-qq"], env);
  run("apt-get", ["install", "-y", "-qq", "--no-install-recommends", ...missing], env);
}

/** Compile every bench/*.c into bench/bin/ when the source is newer. */
function compileHelpers(): void {
  const src = `${root}/bench`;
  if (!existsSync(src)) return;
  const out = `${src}/bin`;
  mkdirSync(out, { recursive: true });
  // A shared header (bench/*.h) counts as a source of every helper.
  const headers = readdirSync(src).filter((f) => f.endsWith(".h")).map((f) => statSync(`${src}/${f}`).mtimeMs);
  for (const f of readdirSync(src)) {
    if (!f.endsWith(".c")) continue;
    const bin = `${out}/${f.slice(0, -2)}`;
    const newest = Math.max(statSync(`${src}/${f}`).mtimeMs, ...headers);
    if (existsSync(bin) && statSync(bin).mtimeMs >= newest) continue;
    run("cc", ["-O2", "-Wall", "-o", bin, `${src}/${f}`]);
  }
}

function ensureTestUser(): void {
  if (process.getuid?.() !== 0) return;
  if (spawnSync("id", ["-u", TEST_USER], { stdio: "ignore" }).status === 0) return;
  run("useradd", ["--system", "--no-create-home", "--shell", "/bin/bash", TEST_USER]);
}

if (import.meta.main) {
  installPackages();
  compileHelpers();
  ensureTestUser();
}
