#!/usr/bin/env bun
/**
 * Install the binary that fits this host as $PREFIX/bin/pidrescue.
 *
 *   bun scripts/install.ts [--prefix DIR] [--artifact PATH] [--dry-run] [--no-check]
 *   (npm run install-bin; PREFIX defaults to /usr/local, or env PREFIX)
 *
 * Picks the artifact by machine (uname -m) and libc (the interpreter of
 * /bin/sh, else the loaders present): on x86-64 glibc the x64-baseline build
 * from dist/release/, else dist/pidrescue (and says so). Checks the file
 * against dist/release/SHA256SUMS when it comes from there, runs its
 * --version before putting it in place, and replaces the old binary
 * atomically: copy to a temporary name in the same directory, chmod 0755,
 * rename. A running pidrescue keeps its old inode; nothing ever sees a
 * half-written file (and a busy binary cannot fail with ETXTBSY).
 */
import { spawnSync } from "node:child_process";
import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, renameSync, unlinkSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { chooseArtifact, type Available, type Choice } from "./lib/choose.ts";
import { parseSha256Sums, sha256File } from "./lib/checksums.ts";
import { readElfInfo } from "./lib/elf.ts";
import { decideHost, readHostFacts } from "./lib/host.ts";
import { RELEASE_DIR, TARGETS, artifactName } from "./lib/targets.ts";
import { packageVersion } from "./build.ts";

const root = resolve(import.meta.dir, "..");

export interface InstallOptions {
  prefix: string;
  artifact?: string;
  dryRun: boolean;
  check: boolean;
}

export function install(o: InstallOptions): { dest: string; choice: Choice } {
  const host = decideHost(readHostFacts());
  console.log(`host: ${host.machine} ${host.libc} (${host.why})`);
  const choice = o.artifact ? forced(o.artifact) : chooseArtifact(host, available());
  console.log(`artifact: ${choice.path}`);
  console.log(`  why: ${choice.reason}`);
  if (choice.target) verifyChecksum(choice.path);
  const dest = join(o.prefix, "bin", "pidrescue");
  if (o.dryRun) {
    console.log(`dry run: would install ${dest}`);
    return { dest, choice };
  }
  mkdirSync(dirname(dest), { recursive: true });
  const tmp = join(dirname(dest), `.pidrescue.install-${process.pid}`);
  try {
    copyFileSync(choice.path, tmp);
    chmodSync(tmp, 0o755);
    if (o.check) console.log(`  runs: ${runVersion(tmp)}`);
    renameSync(tmp, dest);
  } catch (e) {
    removeQuietly(tmp);
    throw e;
  }
  console.log(`installed ${dest}`);
  return { dest, choice };
}

/** What exists: release artifacts of this version, and the main build. */
export function available(): Available {
  const version = packageVersion();
  const release = new Map<string, string>();
  for (const t of TARGETS) {
    const p = join(root, RELEASE_DIR, artifactName(version, t));
    if (existsSync(p)) release.set(t.suffix, p);
  }
  const mainPath = join(root, "dist/pidrescue");
  const main = existsSync(mainPath) ? { path: mainPath, elf: readElfInfo(mainPath) } : null;
  return { release, main };
}

function forced(path: string): Choice {
  if (!existsSync(path)) throw new Error(`--artifact ${path}: no such file`);
  return { path: resolve(path), target: null, reason: "named with --artifact" };
}

/** Compare with dist/release/SHA256SUMS; a release artifact without an entry, or a mismatch, stops the install. */
function verifyChecksum(path: string): void {
  const sums = join(dirname(path), "SHA256SUMS");
  if (!existsSync(sums)) throw new Error(`${sums} missing: rebuild with npm run release`);
  const want = parseSha256Sums(readFileSync(sums, "utf8")).get(basename(path));
  if (want === undefined) throw new Error(`${basename(path)} has no entry in ${sums}`);
  const got = sha256File(path);
  if (got !== want) throw new Error(`checksum mismatch for ${path}: ${got}, SHA256SUMS says ${want}`);
  console.log(`  sha256 ${got} (matches SHA256SUMS)`);
}

function runVersion(path: string): string {
  const r = spawnSync(path, ["--version"], { encoding: "utf8", timeout: 30_000 });
  if (r.status !== 0) throw new Error(`${path} --version failed (exit ${r.status}): ${(r.stderr || r.error?.message || "").trim()}`);
  return r.stdout.trim();
}

function removeQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch (e) {
    // ENOENT: the copy never started. Anything else is secondary to the
    // error being thrown by the caller, which the admin sees.
    if ((e as { code?: string }).code !== "ENOENT") console.error(`could not remove ${path}: ${String(e)}`);
  }
}

function parseArgs(argv: string[]): InstallOptions {
  const o: InstallOptions = { prefix: process.env.PREFIX || "/usr/local", dryRun: false, check: true };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === "--prefix") o.prefix = value();
    else if (a?.startsWith("--prefix=")) o.prefix = a.slice(9);
    else if (a === "--artifact") o.artifact = value();
    else if (a === "--dry-run" || a === "-n") o.dryRun = true;
    else if (a === "--no-check") o.check = false;
    else if (a === "--help" || a === "-h") {
      console.log("usage: bun scripts/install.ts [--prefix DIR] [--artifact PATH] [--dry-run] [--no-check]   (PREFIX env, default /usr/local)");
      process.exit(0);
    } else throw new Error(`unknown argument ${a}`);
  }
  return o;
}

if (import.meta.main) {
  try {
    install(parseArgs(process.argv.slice(2)));
  } catch (e) {
    console.error(`install: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  }
}
