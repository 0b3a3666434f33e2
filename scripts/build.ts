#!/usr/bin/env bun
/**
 * Build the self-contained binary: `bun build --compile` of src/boot.ts as a
 * CJS bundle (so the zero-thread guard in boot.ts runs before anything is
 * loaded), with bytecode, version and git revision baked in, and the
 * runtime's autoloading of .env / bunfig.toml from the working directory
 * turned off (a stray bunfig.toml `preload` would run code before the guard),
 * and JIT tier-up pushed far out for stage 1 (see below).
 *
 *   bun scripts/build.ts [--target bun-linux-x64-baseline] [--outfile PATH] [--no-bytecode]
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, statSync } from "node:fs";
import { dirname, resolve } from "node:path";

const root = resolve(import.meta.dir, "..");

export interface BuildOptions {
  target?: string;
  outfile: string;
  bytecode: boolean;
}

export function gitRevision(): string {
  const rev = spawnSync("git", ["rev-parse", "--short=12", "HEAD"], { cwd: root, encoding: "utf8" });
  if (rev.status !== 0) return "unknown";
  const dirty = spawnSync("git", ["status", "--porcelain", "--untracked-files=no"], { cwd: root, encoding: "utf8" });
  return rev.stdout.trim() + (dirty.stdout.trim() !== "" ? "-dirty" : "");
}

export function packageVersion(): string {
  return (JSON.parse(readFileSync(`${root}/package.json`, "utf8")) as { version: string }).version;
}

export function build(o: BuildOptions): { outfile: string; bytes: number } {
  const outfile = resolve(root, o.outfile);
  mkdirSync(dirname(outfile), { recursive: true });
  const args = [
    "build",
    "--compile",
    "--format=cjs",
    "--minify-syntax",
    "--minify-whitespace",
    "--no-compile-autoload-dotenv",
    "--no-compile-autoload-bunfig",
    // Stage 1 runs with whatever JIT the caller's environment allows. With the
    // default tier-up thresholds, JSC started a JITWorker thread while stage 1
    // was still deciding to re-exec (strace: clone3 before execve), which
    // aborts under zero free slots. Scaling the thresholds up keeps stage 1 in
    // the interpreter; stage 2 has the JIT off entirely.
    "--compile-jit-policy=1000",
    `--define=PIDRESCUE_VERSION=${JSON.stringify(packageVersion())}`,
    `--define=PIDRESCUE_GIT_REV=${JSON.stringify(gitRevision())}`,
    ...(o.bytecode ? ["--bytecode"] : []),
    ...(o.target ? [`--target=${o.target}`] : []),
    "src/boot.ts",
    "--outfile",
    outfile,
  ];
  const r = spawnSync(process.execPath, args, { cwd: root, stdio: ["ignore", "inherit", "inherit"] });
  if (r.status !== 0) throw new Error(`bun build failed (exit ${r.status})`);
  return { outfile, bytes: statSync(outfile).size };
}

if (import.meta.main) {
  const argv = process.argv.slice(2);
  const get = (flag: string): string | undefined => {
    const i = argv.indexOf(flag);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const r = build({
    target: get("--target"),
    outfile: get("--outfile") ?? "dist/pidrescue",
    bytecode: !argv.includes("--no-bytecode"),
  });
  console.error(`built ${r.outfile} (${(r.bytes / 1e6).toFixed(1)} MB)`);
}
