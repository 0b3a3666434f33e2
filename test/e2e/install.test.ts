/**
 * The install step (scripts/install.ts): picks the artifact for this host and
 * says why, copies it atomically to PREFIX/bin/pidrescue with mode 0755, and
 * leaves the old binary in place when the new one does not run.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { sha256File } from "../../scripts/lib/checksums.ts";
import { available } from "../../scripts/install.ts";

const root = resolve(import.meta.dir, "../..");
const tmp = mkdtempSync(join(tmpdir(), "pidrescue-install-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function install(args: string[], env: Record<string, string> = {}): { status: number | null; out: string } {
  const r = spawnSync(process.execPath, [join(root, "scripts/install.ts"), ...args], {
    cwd: root,
    encoding: "utf8",
    env: { ...process.env, ...env },
    timeout: 120_000,
  });
  return { status: r.status, out: r.stdout + r.stderr };
}

describe("install", () => {
  const have = available();
  const expected = have.release.get("linux-x64-baseline") ?? have.main?.path;

  test("copies the host's artifact to PREFIX/bin/pidrescue and says which and why", () => {
    expect(expected).toBeDefined();
    const prefix = join(tmp, "a");
    const r = install(["--prefix", prefix]);
    expect(r.status).toBe(0);
    expect(r.out).toContain(`artifact: ${expected}`);
    expect(r.out).toMatch(/host: (x86_64|aarch64) (glibc|musl) \(uname -m /);
    if (have.release.has("linux-x64-baseline")) expect(r.out).toContain("matches SHA256SUMS");
    else expect(r.out).toContain("run `npm run release`");
    const dest = join(prefix, "bin/pidrescue");
    expect(statSync(dest).mode & 0o777).toBe(0o755);
    expect(sha256File(dest)).toBe(sha256File(expected ?? ""));
    const v = spawnSync(dest, ["--version"], { encoding: "utf8" });
    expect(v.stdout).toMatch(/^pidrescue \d+\.\d+\.\d+ \(/);
    expect(readdirSync(join(prefix, "bin"))).toEqual(["pidrescue"]);
  }, 120_000);

  test("PREFIX from the environment; a reinstall replaces the file by rename (new inode)", () => {
    const prefix = join(tmp, "b");
    expect(install([], { PREFIX: prefix }).status).toBe(0);
    const dest = join(prefix, "bin/pidrescue");
    const first = statSync(dest).ino;
    expect(install([], { PREFIX: prefix }).status).toBe(0);
    expect(statSync(dest).ino).not.toBe(first);
    expect(readdirSync(join(prefix, "bin"))).toEqual(["pidrescue"]);
  }, 120_000);

  test("a binary that does not run is not installed: the old one stays, no temp file is left", () => {
    const prefix = join(tmp, "c");
    expect(install(["--prefix", prefix]).status).toBe(0);
    const dest = join(prefix, "bin/pidrescue");
    const before = sha256File(dest);
    const broken = join(tmp, "broken");
    writeFileSync(broken, "#!/bin/sh\necho broken >&2\nexit 3\n");
    const r = install(["--prefix", prefix, "--artifact", broken]);
    expect(r.status).toBe(1);
    expect(r.out).toContain("--version failed (exit 3)");
    expect(sha256File(dest)).toBe(before);
    expect(readdirSync(join(prefix, "bin"))).toEqual(["pidrescue"]);
  }, 120_000);

  test("--dry-run names the artifact and writes nothing", () => {
    const prefix = join(tmp, "d");
    const r = install(["--dry-run", "--prefix", prefix]);
    expect(r.status).toBe(0);
    expect(r.out).toContain(`would install ${prefix}/bin/pidrescue`);
    expect(existsSync(prefix)).toBe(false);
  });
});
