#!/usr/bin/env bun
/**
 * Verify dist/release/ (built by scripts/release.ts): checksums, manifest,
 * each artifact running on the machine it is for (natively or emulated), the
 * zero-thread boot of the natively runnable ones, and the .deb packages.
 * test/e2e/release.test.ts runs the same checks one test each.
 *
 *   bun scripts/verify-release.ts [--only NAME-SUBSTRING]
 *
 * What the CPU check shows, and what it does not: the x64-baseline artifact
 * runs under `qemu-x86_64 -cpu Nehalem` (SSE4.2, no AVX/AVX2). qemu 7.2 here
 * does not trap the default x64 build on Nehalem either, while `-cpu qemu64`
 * (no SSE4.2) traps both. So this proves that the baseline build runs on a
 * pre-AVX CPU model; it does not prove that the default build would fail
 * there. (With Bun 1.4.4 from npm the two embed byte-identical runtimes
 * anyway: see the notes in manifest.json.)
 *
 * Not run: the arm64-musl artifact (no aarch64 C compiler here to build the
 * musl stand-in libraries for it); its ELF header and checksum are checked.
 */
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { checkDebContents, checkDebInstall } from "./lib/deb-check.ts";
import { glibcSysroot, muslX64LibDir } from "./lib/emulation.ts";
import {
  Skip,
  checkChecksums,
  checkManifest,
  checkRuns,
  checkZeroThreads,
  loadRelease,
  stage2Env,
  type Release,
} from "./lib/release-checks.ts";
import { SMOKE } from "./lib/smoke.ts";
import { RELEASE_DIR } from "./lib/targets.ts";

export const RELEASE_PATH = resolve(import.meta.dir, "..", RELEASE_DIR);

export interface Check {
  name: string;
  run(r: Release): string;
}

export function releaseChecks(): Check[] {
  const x64Host = (): void => {
    if (process.arch !== "x64") throw new Skip("written for an x86-64 host");
  };
  return [
    { name: "SHA256SUMS verify (sha256sum -c)", run: checkChecksums },
    { name: "manifest matches the files", run: checkManifest },
    {
      name: "x64-baseline runs under qemu-x86_64 -cpu Nehalem (no AVX)",
      run: (r) => (x64Host(), checkRuns(r, "linux-x64-baseline", ["qemu-x86_64", "-cpu", "Nehalem"], stage2Env(), SMOKE)),
    },
    { name: "x64-baseline boots with zero threads despite BUN_JSC_useJIT=1 (native, pids.max=1)", run: (r) => (x64Host(), checkZeroThreads(r, "linux-x64-baseline")) },
    { name: "x64 boots with zero threads despite BUN_JSC_useJIT=1 (native, pids.max=1)", run: (r) => (x64Host(), checkZeroThreads(r, "linux-x64")) },
    {
      name: "arm64 runs under qemu-aarch64 (Debian libc6:arm64 sysroot)",
      run: (r) => (x64Host(), checkRuns(r, "linux-arm64", ["qemu-aarch64", "-L", glibcSysroot("arm64")], stage2Env(), SMOKE)),
    },
    {
      name: "x64-musl runs with Debian's musl loader",
      run: (r) => (x64Host(), checkRuns(r, "linux-x64-musl", [], stage2Env({ LD_LIBRARY_PATH: muslX64LibDir() }), SMOKE)),
    },
    {
      name: "x64-musl boots with zero threads despite BUN_JSC_useJIT=1 (native, pids.max=1)",
      run: (r) => (x64Host(), checkZeroThreads(r, "linux-x64-musl", { LD_LIBRARY_PATH: muslX64LibDir() })),
    },
    {
      name: "arm64-musl runs",
      run: () => {
        throw new Skip("not run: no aarch64 musl libstdc++ or cross compiler here; ELF header and checksum checked only");
      },
    },
    { name: ".deb amd64 metadata and contents", run: (r) => checkDebContents(r, "amd64") },
    { name: ".deb arm64 metadata and contents", run: (r) => checkDebContents(r, "arm64") },
    { name: ".deb amd64 installs with apt, works from PATH, has a man page, removes cleanly", run: checkDebInstall },
  ];
}

export function haveRelease(): boolean {
  return existsSync(join(RELEASE_PATH, "manifest.json"));
}

if (import.meta.main) {
  if (!haveRelease()) {
    console.error(`verify-release: ${RELEASE_DIR}/manifest.json missing: run npm run release first`);
    process.exit(1);
  }
  const argv = process.argv.slice(2);
  const only = argv[0] === "--only" ? (argv[1] ?? "") : "";
  const r = loadRelease(RELEASE_PATH);
  let failed = 0;
  for (const c of releaseChecks()) {
    if (only && !c.name.includes(only)) continue;
    const started = performance.now();
    try {
      const detail = c.run(r);
      console.log(`ok    ${c.name} (${((performance.now() - started) / 1000).toFixed(1)} s): ${detail}`);
    } catch (e) {
      if (e instanceof Skip) {
        console.log(`skip  ${c.name}: ${e.message}`);
        continue;
      }
      failed++;
      console.log(`FAIL  ${c.name}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  process.exit(failed > 0 ? 1 : 0);
}
