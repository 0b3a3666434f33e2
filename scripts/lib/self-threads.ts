/** Threads of this process (the Threads: line of /proc/self/status), to show a benchmark ran single-threaded. */
import { readFileSync } from "node:fs";

export function readThreadCount(): number {
  const m = /^Threads:\s*(\d+)/m.exec(readFileSync("/proc/self/status", "utf8"));
  return m?.[1] === undefined ? -1 : Number(m[1]);
}

/** Peak resident set (VmHWM) in MB. */
export function peakRssMb(): number {
  const m = /^VmHWM:\s*(\d+) kB/m.exec(readFileSync("/proc/self/status", "utf8"));
  return m?.[1] === undefined ? -1 : Number(m[1]) / 1024;
}
