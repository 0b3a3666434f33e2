/**
 * The checks on dist/release/ that scripts/verify-release.ts runs and
 * test/e2e/release.test.ts runs one by one. Each returns a one-line detail
 * on success and throws with the evidence on failure.
 *
 * Emulated runs (qemu) start with the stage-2 environment already set
 * (SAFE_JSC_ENV plus PIDRESCUE_STAGE=2), so boot.ts does not re-exec: under
 * qemu-user the re-exec's execve would start the image natively on this
 * x86-64 host (measured with strace), so an emulated CPU would only have run
 * stage 1; and with no binfmt_misc for aarch64 the execve fails with ENOEXEC.
 * The re-exec path itself is covered by the native runs under pids.max = 1.
 */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { SAFE_JSC_ENV, STAGE_VAR } from "../../src/system/safe-env.ts";
import { parseSha256Sums, sha256File } from "./checksums.ts";
import { readElfInfo } from "./elf.ts";
import { pidsCgroupBase, runUnderPidsMax1 } from "./pids-cap.ts";
import { TARGETS, artifactName } from "./targets.ts";
import { smokeRun, type Smoke } from "./smoke.ts";
import type { Manifest } from "../release.ts";

export interface Release {
  dir: string;
  manifest: Manifest;
}

export class Skip extends Error {}

export function loadRelease(dir: string): Release {
  return { dir, manifest: JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8")) as Manifest };
}

export function artifactPath(r: Release, suffix: string): string {
  const t = TARGETS.find((x) => x.suffix === suffix);
  if (!t) throw new Error(`unknown target ${suffix}`);
  return join(r.dir, artifactName(r.manifest.version, t));
}

/** `sha256sum -c SHA256SUMS` passes, and it lists every artifact and .deb of the manifest. */
export function checkChecksums(r: Release): string {
  const res = spawnSync("sha256sum", ["--strict", "-c", "SHA256SUMS"], { cwd: r.dir, encoding: "utf8" });
  if (res.status !== 0) throw new Error(`sha256sum -c failed:\n${res.stdout}${res.stderr}`);
  const listed = parseSha256Sums(readFileSync(join(r.dir, "SHA256SUMS"), "utf8"));
  const want = [...r.manifest.artifacts.map((a) => a.file), ...r.manifest.debs.map((d) => d.file)];
  const missing = want.filter((f) => !listed.has(f));
  if (missing.length > 0) throw new Error(`SHA256SUMS lacks ${missing.join(", ")}`);
  return `${listed.size} files OK`;
}

/** Every target is built, and size, sha256, machine and loader match the manifest and the target table. */
export function checkManifest(r: Release): string {
  const m = r.manifest;
  const built = new Set(m.artifacts.map((a) => a.target));
  const absent = TARGETS.filter((t) => !built.has(t.bunTarget)).map((t) => t.bunTarget);
  if (absent.length > 0) throw new Error(`manifest lacks ${absent.join(", ")}`);
  for (const a of m.artifacts) {
    const t = TARGETS.find((x) => x.bunTarget === a.target);
    const p = join(r.dir, a.file);
    const elf = readElfInfo(p);
    if (!t || !elf || elf.machine !== t.machine || elf.interp !== t.interp) {
      throw new Error(`${a.file}: ELF ${elf?.machine} ${elf?.interp}, expected ${t?.machine} ${t?.interp}`);
    }
    if (Bun.file(p).size !== a.size || sha256File(p) !== a.sha256) throw new Error(`${a.file}: size or sha256 differ from manifest.json`);
  }
  if (!/^\d+\.\d+\.\d+/.test(m.version) || m.bunVersion !== Bun.version || m.gitRevision === "") {
    throw new Error(`manifest header wrong: version ${m.version}, bun ${m.bunVersion}, rev ${m.gitRevision}`);
  }
  return `${m.artifacts.length} artifacts match (bun ${m.bunVersion}, ${m.gitRevision})`;
}

/** The stage-2 environment: emulated runs start there (see the file comment). */
export function stage2Env(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith("BUN_") && k !== "NODE_OPTIONS") env[k] = v;
  return { ...env, ...SAFE_JSC_ENV, [STAGE_VAR]: "2", NO_COLOR: "1", ...extra };
}

/** `--version` and the smoke command through `prefix` (a qemu invocation, or nothing). */
export function checkRuns(r: Release, suffix: string, prefix: string[], env: NodeJS.ProcessEnv, smoke: Smoke): string {
  const bin = artifactPath(r, suffix);
  const v = spawnSync(prefix[0] ?? bin, [...prefix.slice(1), ...(prefix.length > 0 ? [bin] : []), "--version"], {
    env,
    encoding: "utf8",
    timeout: 120_000,
  });
  const want = `pidrescue ${r.manifest.version} (`;
  if (v.status !== 0 || !v.stdout.startsWith(want)) {
    throw new Error(`${[...prefix, suffix].join(" ")} --version: exit ${v.status} ${v.signal ?? ""}\n${v.stdout}${v.stderr}`);
  }
  const s = smokeRun([...prefix, bin], env);
  return `${v.stdout.trim()}; ${s}`;
}

/** Inherited variables that would turn JIT and GC threads back on if stage 1 did not strip them. */
export const HOSTILE_ENV = { BUN_JSC_useJIT: "1", BUN_JSC_useConcurrentGC: "1", BUN_JSC_numberOfGCMarkers: "4" };

/**
 * Natively, from a hostile environment (so the real stage-1 re-exec has to strip it), as the only
 * task of a pids cgroup with pids.max = 1: `doctor` must say 1 thread in safe mode, and the kernel
 * must have refused no task creation.
 */
export function checkZeroThreads(r: Release, suffix: string, extraEnv: Record<string, string> = {}): string {
  const where = pidsCgroupBase();
  if ("skip" in where) throw new Skip(where.skip);
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: "1", ...HOSTILE_ENV, ...extraEnv };
  const run = runUnderPidsMax1(where.base, [artifactPath(r, suffix), "doctor"], env);
  const threads = /^threads\s+(\d+)/m.exec(run.stdout)?.[1];
  if (run.status !== 0 || threads !== "1" || run.refused !== 0 || !/safe mode/.test(run.stdout)) {
    throw new Error(
      `${suffix} doctor under pids.max=1: exit ${run.status} ${run.signal ?? ""}, threads ${threads}, refused ${run.refused}\n${run.stdout}${run.stderr}`,
    );
  }
  return `doctor under pids.max=1 with BUN_JSC_useJIT=1 inherited: 1 thread, safe mode, 0 refused task creations`;
}
