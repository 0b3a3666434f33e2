/**
 * Run a bash script as PID 1 of a fresh PID namespace with its own /proc
 * (no bomb: for engine tests on a handful of fixture processes). pidrescue
 * started inside sees only the namespace, so even a wrong selector cannot
 * reach a host process. Bounded: `timeout -s KILL` kills unshare, and
 * --kill-child takes the namespace's init (and with it every process in
 * the namespace) down too.
 */
import { spawnSync } from "node:child_process";

export interface NsResult {
  stdout: string;
  stderr: string;
  code: number | null;
}

export function runInPidns(script: string, timeoutS = 60, env: Record<string, string> = {}): NsResult {
  const r = spawnSync(
    "timeout",
    ["-s", "KILL", String(timeoutS), "unshare", "--pid", "--fork", "--mount-proc", "--kill-child", "bash", "-c", script],
    { encoding: "utf8", env: { ...process.env, ...env }, maxBuffer: 64 << 20 },
  );
  return { stdout: r.stdout ?? "", stderr: r.stderr ?? "", code: r.status };
}

/** Lines "KEY VALUE..." printed by a script, as a map of the last value per key. */
export function keyed(stdout: string): Map<string, string> {
  const m = new Map<string, string>();
  for (const line of stdout.split("\n")) {
    const sp = line.indexOf(" ");
    if (sp > 0) m.set(line.slice(0, sp), line.slice(sp + 1));
  }
  return m;
}
