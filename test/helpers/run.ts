/** Run the compiled binary (or anything) outside the sandbox, bounded in time. */
import { spawnSync } from "node:child_process";
import { BINARY, ROOT } from "./paths.ts";

export interface RunResult {
  code: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
}

export function runBinary(args: string[], opts: { env?: Record<string, string>; timeoutMs?: number; bin?: string[] } = {}): RunResult {
  const argv = [...(opts.bin ?? [BINARY]), ...args];
  const r = spawnSync(argv[0] ?? BINARY, argv.slice(1), {
    cwd: ROOT,
    encoding: "utf8",
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: process.env.HOME ?? "/root", LANG: "C.UTF-8", ...opts.env },
    timeout: opts.timeoutMs ?? 30_000,
    stdio: ["ignore", "pipe", "pipe"],
  });
  return { code: r.status, signal: r.signal, stdout: r.stdout ?? "", stderr: r.stderr ?? "" };
}
