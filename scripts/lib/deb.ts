/**
 * Build pidrescue_<version>_<arch>.deb with dpkg-deb from a release binary:
 *   /usr/sbin/pidrescue                        the binary (0755)
 *   /usr/share/man/man8/pidrescue.8.gz         generated from the registry
 *   /usr/share/doc/pidrescue/README.md.gz      the README, when there is one
 *   /usr/share/doc/pidrescue/copyright         machine-readable (DEP-5)
 *   DEBIAN/control, DEBIAN/md5sums
 * Files are owned by root (--root-owner-group), so no fakeroot is needed.
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { chmodSync, copyFileSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { gzipSync } from "node:zlib";

export interface DebInput {
  version: string;
  debArch: "amd64" | "arm64";
  binary: string;
  manRoff: string;
  /** README to ship as doc, if present. */
  readme: string | null;
  outDir: string;
  maintainer: string;
  /** dpkg-deb -Z: gzip reads everywhere (old dpkg too); xz is smaller and ~5x slower to build. */
  compression: "gzip" | "xz" | "zstd";
}

export const DEB_DEPENDS = "libc6 (>= 2.17)";

export function debName(version: string, debArch: string): string {
  return `pidrescue_${version}_${debArch}.deb`;
}

export function buildDeb(d: DebInput): string {
  const stage = join(d.outDir, `.deb-${d.debArch}`);
  rmSync(stage, { recursive: true, force: true });
  try {
    const put = (rel: string, data: Buffer | string, mode: number): void => {
      const p = join(stage, rel);
      mkdirSync(join(p, ".."), { recursive: true, mode: 0o755 });
      writeFileSync(p, data);
      chmodSync(p, mode);
    };
    mkdirSync(join(stage, "usr/sbin"), { recursive: true, mode: 0o755 });
    copyFileSync(d.binary, join(stage, "usr/sbin/pidrescue"));
    chmodSync(join(stage, "usr/sbin/pidrescue"), 0o755);
    put("usr/share/man/man8/pidrescue.8.gz", gzipSync(d.manRoff, { level: 9 }), 0o644);
    if (d.readme) put("usr/share/doc/pidrescue/README.md.gz", gzipSync(readFileSync(d.readme), { level: 9 }), 0o644);
    put("usr/share/doc/pidrescue/copyright", copyright(), 0o644);
    const files = listFiles(stage).filter((f) => !f.startsWith("DEBIAN/"));
    put("DEBIAN/md5sums", files.map((f) => `${md5(join(stage, f))}  ${f}\n`).join(""), 0o644);
    put("DEBIAN/control", control(d, installedSizeKiB(stage)), 0o644);
    fixDirModes(stage);
    const out = join(d.outDir, debName(d.version, d.debArch));
    const r = spawnSync("dpkg-deb", [`-Z${d.compression}`, ...(d.compression === "gzip" ? ["-z6"] : []), "--root-owner-group", "--build", stage, out], {
      stdio: ["ignore", "ignore", "inherit"],
    });
    if (r.status !== 0) throw new Error(`dpkg-deb --build failed (exit ${r.status ?? r.error?.message})`);
    return out;
  } finally {
    rmSync(stage, { recursive: true, force: true });
  }
}

export function control(d: DebInput, installedSize: number): string {
  return [
    "Package: pidrescue",
    `Version: ${d.version}`,
    `Architecture: ${d.debArch}`,
    `Maintainer: ${d.maintainer}`,
    `Installed-Size: ${installedSize}`,
    `Depends: ${DEB_DEPENDS}`,
    "Section: admin",
    "Priority: optional",
    "Description: rescue a Linux server whose process table is full",
    " pidrescue is exec'd in place of a starved shell when pid_max, a pids cgroup",
    " or RLIMIT_NPROC is exhausted and nothing can fork. It never creates a",
    " process or a thread: it shows what fills the process table, stops the",
    " rogue processes with SIGSTOP until nothing new appears, kills them,",
    " verifies that the slots are free, and hands back a shell with execve.",
    " .",
    " The binary is self-contained (a Bun executable run with the JIT and all",
    " helper threads off) and needs only the C library.",
    "",
  ].join("\n");
}

function copyright(): string {
  return [
    "Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/",
    "Upstream-Name: pidrescue",
    "",
    "Files: *",
    "Copyright: the pidrescue authors",
    "License: MIT",
    "",
    "Files: usr/sbin/pidrescue",
    "Copyright: the pidrescue authors; Oven (Bun runtime); the WebKit and",
    " JavaScriptCore authors; the authors of the libraries Bun bundles",
    "License: MIT and LGPL-2+ and others",
    " /usr/sbin/pidrescue is a Bun single-file executable: it embeds the Bun",
    " runtime (MIT), which contains JavaScriptCore (LGPL-2+) and other",
    " libraries; see https://bun.sh/docs/project/licensing for the full list.",
    " On Debian systems, the LGPL-2 is in /usr/share/common-licenses/LGPL-2.",
    "",
    "License: MIT",
    " Permission is hereby granted, free of charge, to any person obtaining a copy",
    ' of this software and associated documentation files (the "Software"), to deal',
    " in the Software without restriction, including without limitation the rights",
    " to use, copy, modify, merge, publish, distribute, sublicense, and/or sell",
    " copies of the Software, and to permit persons to whom the Software is",
    " furnished to do so, subject to the following conditions:",
    " .",
    " The above copyright notice and this permission notice shall be included in",
    " all copies or substantial portions of the Software.",
    " .",
    ' THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR',
    " IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,",
    " FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE",
    " AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER",
    " LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,",
    " OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN",
    " THE SOFTWARE.",
    "",
  ].join("\n");
}

/** Like dpkg-gencontrol: 1 KiB per directory plus each file rounded up to whole KiB, DEBIAN/ excluded. */
function installedSizeKiB(stage: string): number {
  let kib = 0;
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) {
        if (dir === stage && e.name === "DEBIAN") continue;
        kib += 1;
        walk(p);
      } else kib += Math.ceil(statSync(p).size / 1024);
    }
  };
  walk(stage);
  return kib;
}

function listFiles(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else out.push(relative(root, p));
    }
  };
  walk(root);
  return out.sort();
}

function fixDirModes(dir: string): void {
  chmodSync(dir, 0o755);
  for (const e of readdirSync(dir, { withFileTypes: true })) if (e.isDirectory()) fixDirModes(join(dir, e.name));
}

function md5(path: string): string {
  return createHash("md5").update(readFileSync(path)).digest("hex");
}
