/**
 * The release targets: one row per artifact in dist/release/, the single
 * table that release, install, verification and the benchmark all read.
 */
import type { ElfMachine } from "./elf.ts";

export type Libc = "glibc" | "musl";

export interface ReleaseTarget {
  /** Bun's --target name. */
  bunTarget: string;
  /** Artifact name suffix after "pidrescue-<version>-". */
  suffix: string;
  machine: ElfMachine;
  libc: Libc;
  /** Program interpreter the runtime asks for (checked against the built file). */
  interp: string;
  /** Debian architecture when this artifact goes into a .deb. */
  debArch?: "amd64" | "arm64";
  /** One line for install and the docs: who should use it. */
  use: string;
}

export const RELEASE_DIR = "dist/release";

export const TARGETS: readonly ReleaseTarget[] = [
  {
    bunTarget: "bun-linux-x64-baseline",
    suffix: "linux-x64-baseline",
    machine: "x86_64",
    libc: "glibc",
    interp: "/lib64/ld-linux-x86-64.so.2",
    debArch: "amd64",
    use: "any x86-64 glibc server (built for CPUs without AVX2); the default for x86-64",
  },
  {
    bunTarget: "bun-linux-x64",
    suffix: "linux-x64",
    machine: "x86_64",
    libc: "glibc",
    interp: "/lib64/ld-linux-x86-64.so.2",
    use: "x86-64 glibc servers with AVX2 (Haswell, 2013, or later)",
  },
  {
    bunTarget: "bun-linux-arm64",
    suffix: "linux-arm64",
    machine: "aarch64",
    libc: "glibc",
    interp: "/lib/ld-linux-aarch64.so.1",
    debArch: "arm64",
    use: "arm64 glibc servers (Debian, Ubuntu, RHEL, Amazon Linux on Graviton ...)",
  },
  {
    bunTarget: "bun-linux-x64-musl",
    suffix: "linux-x64-musl",
    machine: "x86_64",
    libc: "musl",
    interp: "/lib/ld-musl-x86_64.so.1",
    use: "x86-64 musl servers (Alpine); needs libstdc++ and libgcc (apk add libstdc++)",
  },
  {
    bunTarget: "bun-linux-arm64-musl",
    suffix: "linux-arm64-musl",
    machine: "aarch64",
    libc: "musl",
    interp: "/lib/ld-musl-aarch64.so.1",
    use: "arm64 musl servers (Alpine); needs libstdc++ and libgcc (apk add libstdc++)",
  },
];

export function artifactName(version: string, t: ReleaseTarget): string {
  return `pidrescue-${version}-${t.suffix}`;
}

export function targetBySuffix(suffix: string): ReleaseTarget {
  const t = TARGETS.find((x) => x.suffix === suffix);
  if (!t) throw new Error(`unknown release target ${suffix}`);
  return t;
}
