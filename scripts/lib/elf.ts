/**
 * Just enough ELF to tell which machine a binary is for and which dynamic
 * loader (PT_INTERP) it asks for: the install step uses it to read the host's
 * libc from /bin/sh and to check that an artifact fits the host; the release
 * verification uses it to check each artifact's header.
 */
import { closeSync, openSync, readSync } from "node:fs";

export type ElfMachine = "x86_64" | "aarch64" | `other(${number})`;

export interface ElfInfo {
  machine: ElfMachine;
  /** Requested program interpreter, e.g. /lib64/ld-linux-x86-64.so.2; null for a static binary. */
  interp: string | null;
}

/** Read the header and program headers of `path` (null if it is not a 64-bit little-endian ELF). */
export function readElfInfo(path: string): ElfInfo | null {
  const fd = openSync(path, "r");
  try {
    const buf = Buffer.alloc(64 * 1024);
    const n = readSync(fd, buf, 0, buf.length, 0);
    return parseElfInfo(buf.subarray(0, n));
  } finally {
    closeSync(fd);
  }
}

/** Parse an ELF64 LE image prefix. Program headers and PT_INTERP must lie in `bytes` (they do: first page). */
export function parseElfInfo(bytes: Uint8Array): ElfInfo | null {
  if (bytes.length < 64) return null;
  if (bytes[0] !== 0x7f || bytes[1] !== 0x45 || bytes[2] !== 0x4c || bytes[3] !== 0x46) return null;
  if (bytes[4] !== 2 || bytes[5] !== 1) return null; // ELFCLASS64, little-endian only
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const machine = machineName(view.getUint16(18, true));
  const phoff = Number(view.getBigUint64(32, true));
  const phentsize = view.getUint16(54, true);
  const phnum = view.getUint16(56, true);
  let interp: string | null = null;
  for (let i = 0; i < phnum; i++) {
    const ph = phoff + i * phentsize;
    if (ph + 56 > bytes.length) break;
    if (view.getUint32(ph, true) !== 3) continue; // PT_INTERP
    const off = Number(view.getBigUint64(ph + 8, true));
    const size = Number(view.getBigUint64(ph + 32, true));
    if (off + size > bytes.length || size === 0) break;
    interp = Buffer.from(bytes.subarray(off, off + size - 1)).toString("latin1"); // drop the NUL
    break;
  }
  return { machine, interp };
}

function machineName(e: number): ElfMachine {
  if (e === 62) return "x86_64";
  if (e === 183) return "aarch64";
  return `other(${e})`;
}
