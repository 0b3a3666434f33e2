/**
 * Where the things the e2e tests and benchmarks run live, and small helpers
 * for handing them to another user or to a shell.
 */
import { readFileSync, statSync } from "node:fs";
import { resolve } from "node:path";

export const ROOT = resolve(import.meta.dir, "../..");
/** The compiled binary (`bun scripts/build.ts`). */
export const BINARY = `${ROOT}/dist/pidrescue`;
export const BENCH_BIN = `${ROOT}/bench/bin`;
export const SBINIT = `${BENCH_BIN}/sbinit`;
export const FORKBOMB = `${BENCH_BIN}/forkbomb`;
export const BOMBS_DIR = `${ROOT}/bench/bombs`;
export const BUN = process.execPath;

/** The unprivileged user of the RLIMIT_NPROC tests (made by scripts/test-setup.ts). */
export const TEST_USER = "pidrescue-test";

export interface UserIds {
  uid: number;
  gid: number;
}

/** uid/gid of a user from /etc/passwd, or undefined. */
export function lookupUser(name: string, passwd = readFileSync("/etc/passwd", "utf8")): UserIds | undefined {
  for (const line of passwd.split("\n")) {
    const f = line.split(":");
    if (f[0] === name && f.length >= 7) return { uid: Number(f[2]), gid: Number(f[3]) };
  }
  return undefined;
}

/** Single-quote a word for bash. */
export function shq(word: string): string {
  return `'${word.replaceAll("'", `'\\''`)}'`;
}

/**
 * True when a user who is neither owner nor in the group can reach `path`:
 * every directory on the way searchable by others, the file readable (and
 * executable if asked) by others.
 */
export function othersCanUse(path: string, execute: boolean): boolean {
  const parts = resolve(path).split("/").filter((p) => p !== "");
  let dir = "";
  for (let i = 0; i < parts.length - 1; i++) {
    dir += `/${parts[i]}`;
    if ((statSync(dir).mode & 0o001) === 0) return false;
  }
  const mode = statSync(path).mode;
  return (mode & 0o004) !== 0 && (!execute || (mode & 0o001) !== 0);
}
