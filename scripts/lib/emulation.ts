/**
 * What it takes to run the foreign release artifacts on this Debian x86-64
 * machine, prepared once and cached under dist/emu/ (git-ignored):
 *  - arm64 glibc: qemu-aarch64 needs the arm64 loader and libc. They come from
 *    Debian's libc6:arm64 package, fetched with `apt-get download` (the arm64
 *    package index is fetched for that one call; dpkg's architecture list is
 *    not changed and nothing is installed) and unpacked as a sysroot for -L.
 *  - x64 musl: Debian's musl package gives /lib/ld-musl-x86_64.so.1, but
 *    Bun's musl runtime also needs libstdc++.so.6 and libgcc_s.so.1 built for
 *    musl, which Debian does not ship; see musl-glibc-shim.c for the stand-in.
 * Both are test scaffolding, never part of a release.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from "node:fs";
import { join, resolve } from "node:path";

const root = resolve(import.meta.dir, "../..");
export const EMU_DIR = join(root, "dist/emu");

const LOADERS: Record<string, string> = { arm64: "lib/ld-linux-aarch64.so.1", amd64: "lib64/ld-linux-x86-64.so.2" };

/** A sysroot with Debian's libc6 for `debArch`, for qemu-<arch> -L. */
export function glibcSysroot(debArch: "arm64" | "amd64"): string {
  const dir = join(EMU_DIR, `sysroot-${debArch}`);
  const loader = LOADERS[debArch] ?? "";
  if (existsSync(join(dir, loader))) return dir;
  mkdirSync(EMU_DIR, { recursive: true });
  const tmp = mkdtempSync(join(EMU_DIR, ".download-"));
  try {
    const aptArch = ["-o", "APT::Architectures::=amd64", "-o", `APT::Architectures::=${debArch}`];
    let r = spawnSync("apt-get", [...aptArch, "download", `libc6:${debArch}`], { cwd: tmp, encoding: "utf8" });
    if (r.status !== 0) {
      // The index for debArch is not there yet: fetch it (for this call only).
      run("apt-get", [...aptArch, "update", "-qq"]);
      r = spawnSync("apt-get", [...aptArch, "download", `libc6:${debArch}`], { cwd: tmp, encoding: "utf8" });
      if (r.status !== 0) throw new Error(`apt-get download libc6:${debArch} failed: ${r.stderr.trim()}`);
    }
    const deb = readdirSync(tmp).find((f) => f.endsWith(`_${debArch}.deb`));
    if (!deb) throw new Error(`apt-get download left no libc6 .deb in ${tmp}`);
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    run("dpkg-deb", ["-x", join(tmp, deb), dir]);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  if (!existsSync(join(dir, loader))) throw new Error(`${dir}: no ${loader} after unpacking libc6:${debArch}`);
  return dir;
}

/** LD_LIBRARY_PATH directory that lets the x64 musl artifact load on Debian (see musl-glibc-shim.c). */
export function muslX64LibDir(): string {
  const dir = join(EMU_DIR, "musl-x64");
  const shim = join(dir, "ld-linux-x86-64.so.2");
  if (existsSync(shim)) return dir;
  if (!existsSync("/lib/ld-musl-x86_64.so.1")) throw new Error("Debian's musl package is not installed (/lib/ld-musl-x86_64.so.1)");
  mkdirSync(dir, { recursive: true });
  for (const lib of ["libstdc++.so.6", "libgcc_s.so.1"]) {
    const src = `/usr/lib/x86_64-linux-gnu/${lib}`;
    if (!existsSync(src)) throw new Error(`${src} missing (Debian package libstdc++6 / libgcc-s1)`);
    rmSync(join(dir, lib), { force: true });
    symlinkSync(src, join(dir, lib));
  }
  run("cc", ["-O2", "-Wall", "-shared", "-fPIC", "-nostdlib", "-Wl,-soname,ld-linux-x86-64.so.2", "-o", shim, join(import.meta.dir, "musl-glibc-shim.c")]);
  return dir;
}

function run(cmd: string, args: string[]): void {
  const r = spawnSync(cmd, args, { stdio: ["ignore", "inherit", "inherit"] });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} failed (exit ${r.status ?? r.error?.message})`);
}
