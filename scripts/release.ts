#!/usr/bin/env bun
/**
 * Release artifacts into dist/release/ (npm run release):
 *   pidrescue-<version>-linux-<suffix>   one per target in scripts/lib/targets.ts
 *   pidrescue_<version>_<amd64|arm64>.deb
 *   SHA256SUMS                           `sha256sum -c SHA256SUMS` checks every file
 *   manifest.json                        target, file, size, sha256, Bun version, git revision, date
 *
 * Every artifact comes from scripts/build.ts's build(), so it has exactly the
 * flags of the main build that the zero-thread boot depends on (CJS output,
 * --compile-jit-policy, --bytecode, .env/bunfig autoload off). Bun fetches
 * the cross-target runtimes from the npm registry (@oven/bun-linux-*) on
 * first use and caches them. If --bytecode fails for a target, that target
 * is rebuilt without it and the manifest says so.
 *
 *   bun scripts/release.ts [--targets x64-baseline,arm64,...] [--no-deb] [--deb-compression gzip|xz|zstd]
 */
import { existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { basename, join, relative, resolve } from "node:path";
import { build, gitRevision, packageVersion } from "./build.ts";
import { formatSha256Sums, sha256File } from "./lib/checksums.ts";
import { buildDeb, DEB_DEPENDS, type DebInput } from "./lib/deb.ts";
import { readElfInfo } from "./lib/elf.ts";
import { RELEASE_DIR, TARGETS, artifactName, type ReleaseTarget } from "./lib/targets.ts";
import { manPage } from "../src/cli/manpage.ts";

const root = resolve(import.meta.dir, "..");

export interface ArtifactRecord {
  target: string;
  file: string;
  size: number;
  sha256: string;
  machine: string;
  libc: string;
  interp: string;
  bytecode: boolean;
  bytecodeNote?: string;
  /** The Bun runtime the artifact embeds: the file bun build fetched into its cache, or this Bun itself. */
  runtime: { source: string; sha256: string } | null;
  buildSeconds: number;
}

export interface DebRecord {
  file: string;
  arch: string;
  from: string;
  size: number;
  sha256: string;
  depends: string;
  buildSeconds: number;
}

export interface Manifest {
  name: "pidrescue";
  version: string;
  gitRevision: string;
  bunVersion: string;
  buildDate: string;
  buildFlags: string;
  artifacts: ArtifactRecord[];
  debs: DebRecord[];
  notes: string[];
}

export interface ReleaseOptions {
  suffixes: string[];
  deb: boolean;
  debCompression: DebInput["compression"];
}

export function release(o: ReleaseOptions): Manifest {
  const version = packageVersion();
  const outDir = join(root, RELEASE_DIR);
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  const targets = o.suffixes.map((s) => {
    const t = TARGETS.find((x) => x.suffix === s);
    if (!t) throw new Error(`unknown target ${s}; known: ${TARGETS.map((x) => x.suffix).join(", ")}`);
    return t;
  });
  const artifacts = targets.map((t) => buildTarget(t, join(outDir, artifactName(version, t))));
  const debs = o.deb ? buildDebs(version, outDir, targets, o.debCompression) : [];
  const files = [...artifacts.map((a) => ({ name: a.file, sha256: a.sha256 })), ...debs.map((d) => ({ name: d.file, sha256: d.sha256 }))];
  writeFileSync(join(outDir, "SHA256SUMS"), formatSha256Sums(files));
  const manifest: Manifest = {
    name: "pidrescue",
    version,
    gitRevision: gitRevision(),
    bunVersion: Bun.version,
    buildDate: new Date().toISOString(),
    buildFlags: "scripts/build.ts build(): --compile --format=cjs --minify-syntax --minify-whitespace --no-compile-autoload-dotenv --no-compile-autoload-bunfig --compile-jit-policy=1000 --bytecode --define version/revision",
    artifacts,
    debs,
    notes: notes(artifacts),
  };
  writeFileSync(join(outDir, "manifest.json"), `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}

function buildTarget(t: ReleaseTarget, outfile: string): ArtifactRecord {
  const started = performance.now();
  let bytecode = true;
  let bytecodeNote: string | undefined;
  try {
    build({ target: t.bunTarget, outfile, bytecode: true });
  } catch (e) {
    bytecode = false;
    bytecodeNote = `--bytecode build failed (${e instanceof Error ? e.message : String(e)}); built without bytecode`;
    console.error(`release: ${t.suffix}: ${bytecodeNote}`);
    build({ target: t.bunTarget, outfile, bytecode: false });
  }
  const elf = readElfInfo(outfile);
  if (!elf || elf.machine !== t.machine || elf.interp !== t.interp) {
    throw new Error(`${outfile}: expected ${t.machine} with ${t.interp}, got ${elf ? `${elf.machine} ${elf.interp}` : "no ELF"}`);
  }
  const rec: ArtifactRecord = {
    target: t.bunTarget,
    file: basename(outfile),
    size: Bun.file(outfile).size,
    sha256: sha256File(outfile),
    machine: elf.machine,
    libc: t.libc,
    interp: elf.interp,
    bytecode,
    ...(bytecodeNote ? { bytecodeNote } : {}),
    runtime: runtimeOf(t),
    buildSeconds: round((performance.now() - started) / 1000),
  };
  console.error(`release: ${rec.file} ${(rec.size / 1e6).toFixed(1)} MB in ${rec.buildSeconds} s`);
  return rec;
}

function buildDebs(version: string, outDir: string, targets: ReleaseTarget[], compression: DebInput["compression"]): DebRecord[] {
  const roff = manPage({ version, date: buildDay() });
  const readme = existsSync(join(root, "README.md")) ? join(root, "README.md") : null;
  if (!readme) console.error("release: no README.md yet; the .deb ships without /usr/share/doc/pidrescue/README.md.gz");
  const out: DebRecord[] = [];
  for (const t of targets) {
    if (!t.debArch) continue;
    const started = performance.now();
    const path = buildDeb({
      version,
      debArch: t.debArch,
      binary: join(outDir, artifactName(version, t)),
      manRoff: roff,
      readme,
      outDir,
      maintainer: process.env.DEB_MAINTAINER ?? "pidrescue maintainers <root@localhost>",
      compression,
    });
    const rec: DebRecord = {
      file: basename(path),
      arch: t.debArch,
      from: artifactName(version, t),
      size: Bun.file(path).size,
      sha256: sha256File(path),
      depends: DEB_DEPENDS,
      buildSeconds: round((performance.now() - started) / 1000),
    };
    console.error(`release: ${rec.file} ${(rec.size / 1e6).toFixed(1)} MB in ${rec.buildSeconds} s`);
    out.push(rec);
  }
  return out;
}

/** Where bun build found the runtime for a target: its download cache, or this Bun for the host target. */
function runtimeOf(t: ReleaseTarget): ArtifactRecord["runtime"] {
  const cacheDir =
    process.env.BUN_INSTALL_CACHE_DIR ?? join(process.env.BUN_INSTALL ?? join(homedir(), ".bun"), "install", "cache");
  const name = t.bunTarget.replace("bun-linux-arm64", "bun-linux-aarch64");
  const cached = join(cacheDir, `${name}-v${Bun.version}`);
  if (existsSync(cached)) return { source: `bun's download cache: ${basename(cached)}`, sha256: sha256File(cached) };
  const hostTarget = `bun-linux-${process.arch}`;
  if (t.bunTarget === hostTarget && t.libc === "glibc") return { source: `this Bun ${Bun.version} (${relative(root, process.execPath)})`, sha256: sha256File(process.execPath) };
  return null;
}

/** Facts a reader of the manifest should not miss, found by comparing what was built. */
function notes(artifacts: ArtifactRecord[]): string[] {
  const out: string[] = [];
  const bySha = new Map<string, string[]>();
  for (const a of artifacts) {
    if (!a.runtime) continue;
    bySha.set(a.runtime.sha256, [...(bySha.get(a.runtime.sha256) ?? []), a.target]);
  }
  for (const [sha, ts] of bySha) {
    if (ts.length > 1) out.push(`${ts.join(" and ")} embed byte-identical Bun runtimes (sha256 ${sha.slice(0, 16)}...): the registry ships the same binary for both`);
  }
  for (const a of artifacts) if (!a.bytecode) out.push(`${a.target}: no bytecode (${a.bytecodeNote ?? "?"})`);
  return out;
}

function buildDay(): string {
  const epoch = process.env.SOURCE_DATE_EPOCH;
  const d = epoch ? new Date(Number(epoch) * 1000) : new Date();
  return d.toISOString().slice(0, 10);
}

function round(x: number): number {
  return Math.round(x * 100) / 100;
}

function parseArgs(argv: string[]): ReleaseOptions {
  const o: ReleaseOptions = { suffixes: TARGETS.map((t) => t.suffix), deb: true, debCompression: "gzip" };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--targets") o.suffixes = (argv[++i] ?? "").split(",").map((s) => (s.startsWith("linux-") ? s : `linux-${s}`));
    else if (a === "--no-deb") o.deb = false;
    else if (a === "--deb-compression") {
      const c = argv[++i];
      if (c !== "gzip" && c !== "xz" && c !== "zstd") throw new Error("--deb-compression takes gzip, xz or zstd");
      o.debCompression = c;
    } else throw new Error(`unknown argument ${a}`);
  }
  return o;
}

if (import.meta.main) {
  try {
    const started = performance.now();
    const m = release(parseArgs(process.argv.slice(2)));
    for (const n of m.notes) console.error(`release: note: ${n}`);
    console.error(`release: ${m.artifacts.length} binaries, ${m.debs.length} .deb in ${RELEASE_DIR}/ (${round((performance.now() - started) / 1000)} s)`);
  } catch (e) {
    console.error(`release: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  }
}
