/**
 * Small pure formatters shared by the views: counts with thousands
 * separators, ages, start times, terminal-safe text, truncation.
 */

/** 30412 -> "30,412" (no Intl: plain digits, same everywhere). */
export function num(n: number): string {
  const neg = n < 0;
  const s = String(Math.trunc(Math.abs(n)));
  if (s.length <= 3) return neg ? `-${s}` : s;
  let out = "";
  let i = s.length % 3;
  if (i > 0) out = s.slice(0, i);
  for (; i < s.length; i += 3) out += (out === "" ? "" : ",") + s.slice(i, i + 3);
  return neg ? `-${out}` : out;
}

/** Seconds -> "42s", "5m03s", "2h05m", "3d04h" (never more than 6 characters up to 999 days). */
export function fmtAge(seconds: number): string {
  if (!Number.isFinite(seconds)) return "?";
  const s = Math.max(0, Math.floor(seconds));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${two(s % 60)}s`;
  if (s < 86400) return `${Math.floor(s / 3600)}h${two(Math.floor(s / 60) % 60)}m`;
  return `${Math.floor(s / 86400)}d${two(Math.floor(s / 3600) % 24)}h`;
}

/** Epoch ms -> "HH:MM:SS" when on the same local day as nowMs, else "YYYY-MM-DD". */
export function fmtStart(ms: number, nowMs: number): string {
  const d = new Date(ms);
  const now = new Date(nowMs);
  if (d.getFullYear() === now.getFullYear() && d.getMonth() === now.getMonth() && d.getDate() === now.getDate()) {
    return `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`;
  }
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())}`;
}

/**
 * Text that is safe on a terminal: C0/C1 controls, DEL and bidi overrides
 * become \xNN / \u{NNNN} (a command line may hold escape sequences or
 * newlines). Names from the table are already escaped (comm.ts).
 */
export function safeText(s: string): string {
  // biome-ignore lint: control characters are the point
  if (!/[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/.test(s)) return s;
  let out = "";
  for (const ch of s) {
    const c = ch.codePointAt(0) ?? 0;
    if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) out += `\\x${c.toString(16).padStart(2, "0")}`;
    else if (c === 0x200e || c === 0x200f || (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069)) out += `\\u{${c.toString(16)}}`;
    else out += ch;
  }
  return out;
}

/** Cut `s` to `width` characters, marking the cut with "+" (as procps does). */
export function clip(s: string, width: number): string {
  if (width <= 0) return "";
  if (s.length <= width) return s;
  return width === 1 ? "+" : `${s.slice(0, width - 1)}+`;
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${num(n)} ${n === 1 ? one : many}`;
}

/** 0.1234 -> "12%", 0.0004 -> "0.04%", never "100%" unless it really is. */
export function pct(part: number, whole: number): string {
  if (!(whole > 0)) return "?";
  const p = (part / whole) * 100;
  if (p >= 99.5 && part < whole) return "99%";
  if (p >= 10) return `${Math.round(p)}%`;
  if (p >= 1) return `${p.toFixed(1)}%`;
  return `${p.toFixed(2)}%`;
}

function two(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}
