/**
 * Which machine and libc this host has, with the evidence, so the install
 * step can say why it picked an artifact. Decision (pure) first, then the
 * reader of the few files it looks at.
 *
 * libc: the program interpreter of /bin/sh is the strongest evidence (Alpine:
 * /lib/ld-musl-x86_64.so.1; glibc systems: /lib64/ld-linux-x86-64.so.2). When
 * /bin/sh is static or unreadable, the loaders present in /lib and /lib64
 * decide: musl only when a musl loader is there and glibc's is not (Debian
 * with the musl package installed has both, and is a glibc system).
 */
import { existsSync, readdirSync } from "node:fs";
import { machine as osMachine } from "node:os";
import { readElfInfo, type ElfMachine } from "./elf.ts";
import type { Libc } from "./targets.ts";

export interface HostFacts {
  /** uname -m (os.machine()), e.g. x86_64, aarch64. */
  uname: string;
  /** process.arch of the Bun running this script, e.g. x64, arm64. */
  processArch: string;
  /** PT_INTERP of /bin/sh, null if static, undefined if unreadable. */
  shInterp: string | null | undefined;
  muslLoaders: string[];
  glibcLoaders: string[];
}

export interface Host {
  machine: ElfMachine;
  libc: Libc;
  /** Human-readable evidence for both. */
  why: string;
}

export function decideHost(f: HostFacts): Host {
  const machine = machineOf(f.uname) ?? machineOf(f.processArch);
  if (machine === undefined) throw new Error(`unsupported machine: uname -m says ${f.uname}, bun says ${f.processArch}`);
  const archWhy = `uname -m ${f.uname}`;
  const fromSh = f.shInterp ? interpLibc(f.shInterp) : null;
  if (fromSh) return { machine, libc: fromSh, why: `${archWhy}; /bin/sh is loaded by ${f.shInterp} (${fromSh})` };
  const shWhy = f.shInterp === null ? "/bin/sh is static" : "/bin/sh unreadable";
  if (f.muslLoaders.length > 0 && f.glibcLoaders.length === 0) {
    return { machine, libc: "musl", why: `${archWhy}; ${shWhy}, ${f.muslLoaders.join(" ")} present and no glibc loader (musl)` };
  }
  if (f.glibcLoaders.length > 0) {
    return { machine, libc: "glibc", why: `${archWhy}; ${shWhy}, ${f.glibcLoaders.join(" ")} present (glibc)` };
  }
  return { machine, libc: "glibc", why: `${archWhy}; ${shWhy} and no loader found in /lib or /lib64: assuming glibc` };
}

/** libc named by a program interpreter path, or null if it is neither. */
export function interpLibc(interp: string): Libc | null {
  const base = interp.slice(interp.lastIndexOf("/") + 1);
  if (base.startsWith("ld-musl-")) return "musl";
  if (base.startsWith("ld-linux")) return "glibc";
  return null;
}

export function machineOf(s: string): ElfMachine | undefined {
  if (s === "x86_64" || s === "x64" || s === "amd64") return "x86_64";
  if (s === "aarch64" || s === "arm64") return "aarch64";
  return undefined;
}

export function readHostFacts(): HostFacts {
  return {
    uname: osMachine(),
    processArch: process.arch,
    shInterp: shInterp(),
    muslLoaders: loaders((n) => /^ld-musl-.*\.so\.1$/.test(n)),
    glibcLoaders: loaders((n) => /^ld-linux.*\.so\.\d$/.test(n)),
  };
}

function shInterp(): string | null | undefined {
  try {
    const info = readElfInfo("/bin/sh");
    return info ? info.interp : undefined;
  } catch {
    // /bin/sh missing or unreadable: the loader scan below decides instead.
    return undefined;
  }
}

function loaders(match: (name: string) => boolean): string[] {
  const found: string[] = [];
  for (const dir of ["/lib", "/lib64"]) {
    if (!existsSync(dir)) continue;
    for (const n of readdirSync(dir)) if (match(n)) found.push(`${dir}/${n}`);
  }
  return found;
}
