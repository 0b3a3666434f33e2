/**
 * tty_nr (field 7 of stat) <-> the names ps shows: pts/3, tty1, ttyS0, or
 * "?" for none. tty_nr packs the device number as the kernel's old_encode:
 * minor bits 0-7 and 20-31, major bits 8-19.
 */

export function ttyMajor(ttyNr: number): number {
  return (ttyNr >>> 8) & 0xfff;
}

export function ttyMinor(ttyNr: number): number {
  return (ttyNr & 0xff) | ((ttyNr >>> 12) & 0xfff00);
}

/** Name of a tty_nr as ps shows it ("?" for none, "MAJ:MIN" for unknown kinds). */
export function ttyName(ttyNr: number): string {
  if (ttyNr === 0) return "?";
  const major = ttyMajor(ttyNr);
  const minor = ttyMinor(ttyNr);
  if (major >= 136 && major <= 143) return `pts/${(major - 136) * 256 + minor}`;
  if (major === 4) return minor < 64 ? `tty${minor}` : `ttyS${minor - 64}`;
  if (major === 5 && minor === 1) return "console";
  return `${major}:${minor}`;
}

/** tty_nr of a name accepted by ttyName (also "/dev/pts/3", "MAJ:MIN"); undefined if not understood. */
export function ttyNumber(name: string): number | undefined {
  const n = name.startsWith("/dev/") ? name.slice(5) : name;
  if (n === "?" || n === "-") return 0;
  let m = /^pts\/(\d+)$/.exec(n);
  if (m) return encode(136 + Math.floor(Number(m[1]) / 256), Number(m[1]) % 256);
  m = /^tty(\d+)$/.exec(n);
  if (m && Number(m[1]) < 64) return encode(4, Number(m[1]));
  m = /^ttyS(\d+)$/.exec(n);
  if (m) return encode(4, 64 + Number(m[1]));
  if (n === "console") return encode(5, 1);
  m = /^(\d+):(\d+)$/.exec(n);
  if (m) return encode(Number(m[1]), Number(m[2]));
  return undefined;
}

function encode(major: number, minor: number): number {
  return ((minor & 0xff) | ((major & 0xfff) << 8) | ((minor & ~0xff) << 12)) >>> 0;
}
