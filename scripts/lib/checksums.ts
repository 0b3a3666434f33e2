/** SHA-256 of files and the `sha256sum` file format ("<hex>  <name>"), so `sha256sum -c SHA256SUMS` checks them. */
import { createHash } from "node:crypto";
import { closeSync, openSync, readSync } from "node:fs";

export function sha256File(path: string): string {
  const h = createHash("sha256");
  const fd = openSync(path, "r");
  try {
    const buf = Buffer.alloc(4 << 20);
    for (;;) {
      const n = readSync(fd, buf, 0, buf.length, null);
      if (n === 0) break;
      h.update(buf.subarray(0, n));
    }
  } finally {
    closeSync(fd);
  }
  return h.digest("hex");
}

/** Lines for SHA256SUMS; names are relative to the file's directory (text mode, two spaces). */
export function formatSha256Sums(entries: ReadonlyArray<{ name: string; sha256: string }>): string {
  return entries.map((e) => `${e.sha256}  ${e.name}\n`).join("");
}

/** name -> sha256 from a SHA256SUMS text (accepts the binary-mode " *name" form too). */
export function parseSha256Sums(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split("\n")) {
    const m = /^([0-9a-f]{64}) [ *](.+)$/.exec(line.trim());
    if (m && m[1] !== undefined && m[2] !== undefined) out.set(m[2], m[1]);
  }
  return out;
}
