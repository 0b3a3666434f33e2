/**
 * Thin readers for the pids controller of one cgroup directory, and the
 * pure parsers they use. A directory without pids.max (the root, or a v2
 * cgroup without the controller) has no figures.
 */
import { readText } from "../proc/reader.ts";

export interface PidsFiles {
  current: number;
  /** null = "max". */
  max: number | null;
  /** "max N" of pids.events, null when the file is missing. */
  refused: number | null;
}

/** pids.current / pids.max / pids.events of `dir`, or undefined when it has no pids.max. */
export function readPids(dir: string): PidsFiles | undefined {
  const max = readText(`${dir}/pids.max`, 64);
  if (max === undefined) return undefined;
  const current = Number((readText(`${dir}/pids.current`, 64) ?? "").trim());
  const events = readText(`${dir}/pids.events`, 4096);
  return {
    current: Number.isFinite(current) ? current : 0,
    max: parsePidsMax(max),
    refused: events === undefined ? null : parsePidsEvents(events),
  };
}

/** "max\n" -> null, "300\n" -> 300. */
export function parsePidsMax(text: string): number | null {
  const t = text.trim();
  if (t === "max") return null;
  const n = Number(t);
  return Number.isFinite(n) ? n : null;
}

/** The "max N" line of pids.events (0 when absent). */
export function parsePidsEvents(text: string): number {
  for (const line of text.split("\n")) {
    const [k, v] = line.trim().split(/\s+/);
    if (k === "max") {
      const n = Number(v);
      return Number.isFinite(n) ? n : 0;
    }
  }
  return 0;
}

/** "/a/b/c" -> ["/a/b/c", "/a/b", "/a"]: the path and its ancestors, root excluded. */
export function pathAndAncestors(path: string): string[] {
  const out: string[] = [];
  let p = path.replace(/\/+$/, "");
  while (p !== "" && p !== "/") {
    out.push(p);
    p = p.slice(0, p.lastIndexOf("/"));
  }
  return out;
}

/** Is `path` the cgroup `c` or inside it? */
export function within(path: string, c: string): boolean {
  return path === c || path.startsWith(c.endsWith("/") ? c : `${c}/`);
}
