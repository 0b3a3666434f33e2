#!/usr/bin/env bun
/**
 * Run a command in a starved shell, by hand (see test/helpers/sandbox.ts):
 *
 *   bun scripts/sandbox.ts [--mode auto|pidmax|cgroup|nproc] [--pid-max N] [--pids-max N]
 *       [--nproc N] [--bomb forkbomb|rogue.sh|funcbomb.sh|none] [--bomb-args "-s -r -b 20000"]
 *       [--bomb-prefix "setsid"] [--extra "setsid bench/bin/named 726f6775652e7368 300"]...
 *       [--env K=V]... [--stdin TEXT] [--timeout SECONDS] [--keep] [--json] -- COMMAND...
 *
 *   bun scripts/sandbox.ts --pid-max 1000 --bomb rogue.sh -- dist/pidrescue doctor
 *
 * Prints the command's stdout and stderr, then one summary (how the table
 * filled, whether the starved shell could fork, threads seen, cleanup), and
 * exits with the command's exit code (124 if it did not finish in time).
 */
import { resolve } from "node:path";
import { type BombName, type SandboxMode, type SandboxOptions, startSandbox } from "../test/helpers/sandbox.ts";

interface Cli {
  opts: SandboxOptions;
  stdin: string | undefined;
  timeoutS: number;
  json: boolean;
}

function parse(argv: string[]): Cli {
  const sep = argv.indexOf("--");
  if (sep < 0 || sep === argv.length - 1) usage("missing -- COMMAND");
  const flags = argv.slice(0, sep);
  const command = argv.slice(sep + 1);
  // A relative command path is taken from the current directory, as a shell would.
  if (command[0]?.includes("/") && !command[0].startsWith("/")) command[0] = resolve(command[0]);
  const env: Record<string, string> = {};
  const cli: Cli = { opts: { command, env, log: (l) => console.error(l) }, stdin: undefined, timeoutS: 120, json: false };
  for (let i = 0; i < flags.length; i++) {
    const f = flags[i];
    const val = (): string => {
      const v = flags[++i];
      if (v === undefined) usage(`${f} needs a value`);
      return v;
    };
    switch (f) {
      case "--mode": cli.opts.mode = val() as SandboxMode | "auto"; break;
      case "--pid-max": cli.opts.pidMax = Number(val()); break;
      case "--pids-max": cli.opts.pidsMax = Number(val()); break;
      case "--nproc": cli.opts.nproc = Number(val()); break;
      case "--bomb": cli.opts.bomb = val() as BombName | "none"; break;
      case "--bomb-args": cli.opts.bombArgs = val().split(/\s+/).filter((s) => s !== ""); break;
      case "--bomb-prefix": cli.opts.bombPrefix = val().split(/\s+/).filter((s) => s !== ""); break;
      case "--extra": (cli.opts.extras ??= []).push(val().split(/\s+/).filter((s) => s !== "")); break;
      case "--env": {
        const kv = val();
        const eq = kv.indexOf("=");
        if (eq < 1) usage(`--env wants K=V, got ${kv}`);
        env[kv.slice(0, eq)] = kv.slice(eq + 1);
        break;
      }
      case "--stdin": cli.stdin = val(); break;
      case "--timeout": cli.timeoutS = Number(val()); break;
      case "--keep": cli.opts.keepAfterExit = true; break;
      case "--json": cli.json = true; break;
      default: usage(`unknown flag ${f}`);
    }
  }
  cli.opts.timeoutMs = cli.timeoutS * 1000 + 30_000;
  return cli;
}

function usage(msg: string): never {
  console.error(`sandbox: ${msg}`);
  console.error("usage: bun scripts/sandbox.ts [--mode M] [--pid-max N] [--pids-max N] [--nproc N] [--bomb B] [--bomb-args A] [--bomb-prefix P] [--extra CMD]... [--env K=V] [--stdin TEXT] [--timeout S] [--keep] [--json] -- COMMAND...");
  process.exit(2);
}

async function main(): Promise<number> {
  const cli = parse(process.argv.slice(2));
  const sb = await startSandbox(cli.opts);
  const stop = (): void => {
    sb.destroySync();
    process.exit(130);
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
  let maxThreads = 0;
  const sample = (): void => {
    maxThreads = Math.max(maxThreads, sb.threads() ?? 0);
  };
  sample();
  const sampler = setInterval(sample, 50);
  try {
    if (cli.stdin !== undefined) sb.write(cli.stdin.endsWith("\n") ? cli.stdin : `${cli.stdin}\n`);
    sb.closeStdin();
    const t0 = Date.now();
    const st = await sb.waitExit(cli.timeoutS * 1000);
    const runMs = Date.now() - t0;
    clearInterval(sampler);
    const summary = {
      mode: sb.mode,
      cgroup: sb.cgroup.path,
      pidMax: sb.pidMax ?? null,
      pidsMax: sb.pidsMax,
      nproc: sb.nproc ?? null,
      initPid: sb.initPid,
      pid: sb.victimPid,
      bombNsPid: sb.bombNsPid() ?? null,
      extras: sb.extras(),
      execEpochMs: sb.execEpochMs() ?? null,
      tasksAtFull: sb.tasksAtFull,
      fullBy: sb.fullBy,
      victimCouldFork: sb.victimCouldFork,
      victimSawEagain: sb.victimSawEagain,
      timings: sb.timings,
      commandRunMs: runMs,
      maxThreadsSeen: maxThreads,
      forkAttemptsByCommand: sb.forkAttempts(),
      exit: st ?? null,
    };
    process.stdout.write(sb.stdout());
    process.stderr.write(sb.stderr());
    const cleanup = await sb.destroy();
    const all = { ...summary, cleanup };
    console.error(cli.json ? JSON.stringify(all, null, 2) : formatSummary(all));
    return st?.code ?? 124;
  } finally {
    clearInterval(sampler);
    await sb.destroy();
  }
}

function formatSummary(s: Record<string, unknown>): string {
  return Object.entries(s)
    .map(([k, v]) => `${k.padEnd(22)} ${typeof v === "object" && v !== null ? JSON.stringify(v) : String(v)}`)
    .join("\n");
}

if (import.meta.main) process.exit(await main());
