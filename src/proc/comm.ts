/**
 * Process names (comm) as text, losslessly. A comm is up to 15 bytes of
 * anything but NUL (kernel workers show longer ones). Shown and matched as:
 * printable ASCII as is, a backslash as "\\", valid printable UTF-8 as the
 * characters, and every other byte (controls, newlines, invalid UTF-8, C1
 * controls, bidi overrides that could disguise a name on a terminal) as
 * "\xNN". commBytesFromDisplay() inverts it exactly.
 */

/** Display text of b[s, e). */
export function commDisplay(b: Uint8Array, s: number, e: number): string {
  let plain = true;
  for (let i = s; i < e; i++) {
    const c = b[i]!;
    if (c < 0x20 || c > 0x7e || c === 0x5c) {
      plain = false;
      break;
    }
  }
  if (plain) return String.fromCharCode(...b.subarray(s, e));
  let out = "";
  let i = s;
  while (i < e) {
    const c = b[i]!;
    if (c >= 0x20 && c <= 0x7e) {
      out += c === 0x5c ? "\\\\" : String.fromCharCode(c);
      i++;
      continue;
    }
    const n = c >= 0x80 ? utf8Length(b, i, e) : 0;
    if (n > 0) {
      const cp = utf8CodePoint(b, i, n);
      if (isShowable(cp)) {
        out += String.fromCodePoint(cp);
        i += n;
        continue;
      }
    }
    out += hex(c);
    i++;
  }
  return out;
}

/** Inverse of commDisplay: the bytes a display string stands for. */
export function commBytesFromDisplay(text: string): Uint8Array {
  const out: number[] = [];
  let i = 0;
  while (i < text.length) {
    const ch = text[i]!;
    if (ch === "\\" && text[i + 1] === "\\") {
      out.push(0x5c);
      i += 2;
    } else if (ch === "\\" && text[i + 1] === "x" && /^[0-9a-fA-F]{2}$/.test(text.slice(i + 2, i + 4))) {
      out.push(Number.parseInt(text.slice(i + 2, i + 4), 16));
      i += 4;
    } else {
      const cp = text.codePointAt(i)!;
      for (const byte of Buffer.from(String.fromCodePoint(cp), "utf8")) out.push(byte);
      i += cp > 0xffff ? 2 : 1;
    }
  }
  return Uint8Array.from(out);
}

/** Length of a valid UTF-8 sequence starting at b[i] (2-4), or 0. */
function utf8Length(b: Uint8Array, i: number, e: number): number {
  const c = b[i]!;
  let n: number;
  let min: number;
  if (c >= 0xc2 && c <= 0xdf) {
    n = 2;
    min = 0x80;
  } else if (c >= 0xe0 && c <= 0xef) {
    n = 3;
    min = 0x800;
  } else if (c >= 0xf0 && c <= 0xf4) {
    n = 4;
    min = 0x10000;
  } else return 0;
  if (i + n > e) return 0;
  for (let k = 1; k < n; k++) if ((b[i + k]! & 0xc0) !== 0x80) return 0;
  const cp = utf8CodePoint(b, i, n);
  if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return 0;
  return n;
}

function utf8CodePoint(b: Uint8Array, i: number, n: number): number {
  const c = b[i]!;
  let cp = n === 2 ? c & 0x1f : n === 3 ? c & 0x0f : c & 0x07;
  for (let k = 1; k < n; k++) cp = (cp << 6) | (b[i + k]! & 0x3f);
  return cp;
}

/** Not a C1 control, line/paragraph separator, bidi control or BOM. */
function isShowable(cp: number): boolean {
  if (cp >= 0x80 && cp <= 0x9f) return false;
  if (cp === 0x2028 || cp === 0x2029 || cp === 0xfeff) return false;
  if ((cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069) || cp === 0x200e || cp === 0x200f) return false;
  return true;
}

function hex(c: number): string {
  return "\\x" + (c < 16 ? "0" : "") + c.toString(16);
}
