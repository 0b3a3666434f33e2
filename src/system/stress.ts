/**
 * `doctor --stress SECONDS`: a diagnostic for the zero-thread tests. For the
 * given time it allocates heavily (objects, arrays, strings, JSON, Maps),
 * keeps part of it alive so the collector has real work, forces a full GC
 * now and then, and re-reads /proc like a scan does, printing its own
 * thread count once a second. Everything is synchronous: a busy loop on
 * Date.now(), no timers (a timer can start a thread).
 */
import { readdirSync, readFileSync } from "node:fs";
import { errnoCode } from "../errors.ts";
import { ownThreadCount } from "./selfinfo.ts";

export interface StressReport {
  seconds: number;
  /** Once-a-second thread counts taken. */
  samples: number;
  minThreads: number;
  maxThreads: number;
  gcs: number;
  allocatedMb: number;
  procFilesRead: number;
}

const GC_EVERY_MS = 250;

export function runStress(seconds: number, procRoot: string, tick: (line: string) => void): StressReport {
  const start = Date.now();
  const end = start + seconds * 1000;
  let nextTick = start + 1000;
  let nextGc = start + GC_EVERY_MS;
  let keep: unknown[] = [];
  const r: StressReport = { seconds, samples: 0, minThreads: Number.POSITIVE_INFINITY, maxThreads: 0, gcs: 0, allocatedMb: 0, procFilesRead: 0 };
  let bytes = 0;
  while (Date.now() < end) {
    bytes += allocateRound(keep, r.samples);
    if (keep.length > 64) keep = keep.slice(32);
    r.procFilesRead += readProcRound(procRoot);
    const now = Date.now();
    if (now >= nextGc) {
      Bun.gc(true);
      r.gcs++;
      nextGc = now + GC_EVERY_MS;
    }
    if (now >= nextTick) {
      const threads = ownThreadCount(procRoot);
      r.samples++;
      r.minThreads = Math.min(r.minThreads, threads);
      r.maxThreads = Math.max(r.maxThreads, threads);
      r.allocatedMb = Math.round(bytes / 1e6);
      tick(`stress ${Math.round((now - start) / 1000)}s threads ${threads} allocated ${r.allocatedMb} MB gcs ${r.gcs}`);
      nextTick += 1000;
    }
  }
  const threads = ownThreadCount(procRoot);
  r.minThreads = Math.min(r.minThreads, threads);
  r.maxThreads = Math.max(r.maxThreads, threads);
  r.allocatedMb = Math.round(bytes / 1e6);
  return r;
}

/** One round of garbage of several shapes; returns a rough byte count. */
function allocateRound(keep: unknown[], salt: number): number {
  const n = 4000;
  const objs: Array<{ id: number; name: string; list: number[]; tags: Map<string, number> }> = new Array(n);
  for (let i = 0; i < n; i++) {
    const tags = new Map<string, number>();
    tags.set(`t${i % 7}`, i);
    objs[i] = { id: i, name: `proc-${salt}-${i}-${(i * 2654435761) % 1e9}`, list: [i, i + 1, i + 2, i + 3], tags };
  }
  const json = JSON.stringify(objs.slice(0, 400), (_k, v: unknown) => (v instanceof Map ? [...v] : v));
  const parsed = JSON.parse(json) as unknown[];
  const big = `${"abcdefgh".repeat(8192)}${salt}`;
  keep.push(objs, parsed, big);
  return n * 200 + json.length * 3 + big.length * 2;
}

/** Read a slice of /proc the way a scan does; returns how many files were read. */
function readProcRound(procRoot: string): number {
  let read = 0;
  let names: string[];
  try {
    names = readdirSync(procRoot);
  } catch (e) {
    if (errnoCode(e) === "ENOENT") return 0;
    throw e;
  }
  for (const name of names.slice(0, 100)) {
    const c = name.charCodeAt(0);
    if (c < 48 || c > 57) continue;
    try {
      readFileSync(`${procRoot}/${name}/stat`, "latin1");
      read++;
    } catch (e) {
      const code = errnoCode(e);
      if (code !== "ENOENT" && code !== "ESRCH") throw e; // the process exited meanwhile: fine
    }
  }
  readFileSync(`${procRoot}/self/status`, "latin1");
  return read + 1;
}
