/**
 * Which file the install step copies, and why (pure: the caller lists what
 * exists). Rule: the release artifact for the host's machine and libc; on
 * x86-64 glibc that is the x64-baseline build, which runs on CPUs without
 * AVX2. Without dist/release/, the main build dist/pidrescue, but only when
 * its ELF header fits the host, and the reason says it is not the baseline.
 */
import type { ElfInfo } from "./elf.ts";
import type { Host } from "./host.ts";
import { interpLibc } from "./host.ts";
import { TARGETS, type ReleaseTarget } from "./targets.ts";

export interface Available {
  /** Release artifacts present, by target suffix -> path. */
  release: Map<string, string>;
  /** The main build, if present. */
  main: { path: string; elf: ElfInfo | null } | null;
}

export interface Choice {
  path: string;
  target: ReleaseTarget | null;
  reason: string;
}

export function chooseArtifact(host: Host, have: Available): Choice {
  const want = preferredTarget(host);
  if (want) {
    const path = have.release.get(want.suffix);
    if (path !== undefined) return { path, target: want, reason: `release artifact for ${host.machine} ${host.libc}: ${want.use}` };
  }
  const m = have.main;
  if (m && m.elf && m.elf.machine === host.machine && m.elf.interp !== null && interpLibc(m.elf.interp) === host.libc) {
    const baselineNote =
      host.machine === "x86_64"
        ? "; it is built with this machine's default x86-64 Bun runtime, not the x64-baseline one: for servers without AVX2, run `npm run release` first"
        : "";
    return {
      path: m.path,
      target: null,
      reason: `dist/release/ has no ${want ? want.suffix : `${host.machine} ${host.libc}`} artifact (run \`npm run release\`), so using the main build ${m.path} (ELF ${m.elf.machine}, ${m.elf.interp})${baselineNote}`,
    };
  }
  const what = want ? `dist/release/*-${want.suffix}` : `an artifact for ${host.machine} ${host.libc}`;
  const mainWhy = m ? ` (${m.path} is ${m.elf ? `${m.elf.machine} ${m.elf.interp ?? "static"}` : "not an ELF binary"})` : "";
  throw new Error(`no binary for this host: need ${what}; run \`npm run release\`${mainWhy}`);
}

export function preferredTarget(host: Host): ReleaseTarget | undefined {
  const fits = TARGETS.filter((t) => t.machine === host.machine && t.libc === host.libc);
  // The baseline x86-64 build comes first in TARGETS and is the one to install.
  return fits[0];
}
