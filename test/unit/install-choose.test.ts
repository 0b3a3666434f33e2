/** Host detection and artifact choice of the install step (scripts/lib/{elf,host,choose}.ts). */
import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { parseElfInfo } from "../../scripts/lib/elf.ts";
import { decideHost, interpLibc, type HostFacts } from "../../scripts/lib/host.ts";
import { chooseArtifact, type Available } from "../../scripts/lib/choose.ts";

const glibcX64: HostFacts = {
  uname: "x86_64",
  processArch: "x64",
  shInterp: "/lib64/ld-linux-x86-64.so.2",
  muslLoaders: ["/lib/ld-musl-x86_64.so.1"],
  glibcLoaders: ["/lib64/ld-linux-x86-64.so.2"],
};

describe("ELF header", () => {
  test("reads machine and interpreter of a real binary (/bin/sh)", () => {
    const info = parseElfInfo(readFileSync("/bin/sh"));
    expect(info).not.toBeNull();
    expect(info?.machine).toBe(process.arch === "arm64" ? "aarch64" : "x86_64");
    expect(info?.interp).toMatch(/^\/lib.*\/ld-(linux|musl)/);
  });

  test("rejects non-ELF and truncated input", () => {
    expect(parseElfInfo(new TextEncoder().encode("#!/bin/sh\necho hi\n".padEnd(80, " ")))).toBeNull();
    expect(parseElfInfo(new Uint8Array([0x7f, 0x45, 0x4c, 0x46]))).toBeNull();
  });

  test("a static binary has no interpreter", () => {
    const img = new Uint8Array(64 + 56);
    img.set([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1]);
    const v = new DataView(img.buffer);
    v.setUint16(18, 183, true); // EM_AARCH64
    v.setBigUint64(32, 64n, true); // e_phoff
    v.setUint16(54, 56, true);
    v.setUint16(56, 1, true);
    v.setUint32(64, 1, true); // PT_LOAD only
    expect(parseElfInfo(img)).toEqual({ machine: "aarch64", interp: null });
  });
});

describe("host detection", () => {
  test("glibc from /bin/sh's interpreter even when musl is also installed (Debian + musl)", () => {
    const h = decideHost(glibcX64);
    expect(h).toMatchObject({ machine: "x86_64", libc: "glibc" });
    expect(h.why).toContain("/lib64/ld-linux-x86-64.so.2");
  });

  test("musl from /bin/sh's interpreter (Alpine)", () => {
    const h = decideHost({ ...glibcX64, uname: "aarch64", shInterp: "/lib/ld-musl-aarch64.so.1", glibcLoaders: [] });
    expect(h).toMatchObject({ machine: "aarch64", libc: "musl" });
  });

  test("static /bin/sh: musl only when a musl loader is there and glibc's is not", () => {
    expect(decideHost({ ...glibcX64, shInterp: null, glibcLoaders: [] }).libc).toBe("musl");
    expect(decideHost({ ...glibcX64, shInterp: null }).libc).toBe("glibc");
    expect(decideHost({ ...glibcX64, shInterp: undefined, muslLoaders: [], glibcLoaders: [] }).why).toContain("assuming glibc");
  });

  test("falls back to process.arch, rejects unknown machines", () => {
    expect(decideHost({ ...glibcX64, uname: "weird" }).machine).toBe("x86_64");
    expect(() => decideHost({ ...glibcX64, uname: "riscv64", processArch: "riscv64" })).toThrow(/unsupported machine/);
  });

  test("interpreter names", () => {
    expect(interpLibc("/lib/ld-musl-x86_64.so.1")).toBe("musl");
    expect(interpLibc("/lib/ld-linux-aarch64.so.1")).toBe("glibc");
    expect(interpLibc("/usr/bin/foo")).toBeNull();
  });
});

describe("artifact choice", () => {
  const all = new Map([
    ["linux-x64-baseline", "/r/x64-baseline"],
    ["linux-x64", "/r/x64"],
    ["linux-arm64", "/r/arm64"],
    ["linux-x64-musl", "/r/x64-musl"],
    ["linux-arm64-musl", "/r/arm64-musl"],
  ]);
  const mainX64 = { path: "/d/pidrescue", elf: { machine: "x86_64" as const, interp: "/lib64/ld-linux-x86-64.so.2" } };

  test("x86-64 glibc takes the baseline build, not the AVX2 one", () => {
    const c = chooseArtifact(decideHost(glibcX64), { release: all, main: mainX64 });
    expect(c.path).toBe("/r/x64-baseline");
    expect(c.reason).toContain("without AVX2");
  });

  test("each machine/libc gets its own artifact", () => {
    const pick = (uname: string, sh: string): string => chooseArtifact(decideHost({ ...glibcX64, uname, shInterp: sh }), { release: all, main: null }).path;
    expect(pick("aarch64", "/lib/ld-linux-aarch64.so.1")).toBe("/r/arm64");
    expect(pick("x86_64", "/lib/ld-musl-x86_64.so.1")).toBe("/r/x64-musl");
    expect(pick("aarch64", "/lib/ld-musl-aarch64.so.1")).toBe("/r/arm64-musl");
  });

  test("without dist/release, the main build when it fits, and the reason says it is not the baseline", () => {
    const have: Available = { release: new Map(), main: mainX64 };
    const c = chooseArtifact(decideHost(glibcX64), have);
    expect(c.path).toBe("/d/pidrescue");
    expect(c.target).toBeNull();
    expect(c.reason).toContain("npm run release");
    expect(c.reason).toContain("not the x64-baseline");
  });

  test("never the main build for another libc or machine", () => {
    const musl = decideHost({ ...glibcX64, shInterp: "/lib/ld-musl-x86_64.so.1" });
    expect(() => chooseArtifact(musl, { release: new Map(), main: mainX64 })).toThrow(/no binary for this host/);
    const arm = decideHost({ ...glibcX64, uname: "aarch64", shInterp: "/lib/ld-linux-aarch64.so.1" });
    expect(() => chooseArtifact(arm, { release: new Map(), main: mainX64 })).toThrow(/linux-arm64/);
  });
});
