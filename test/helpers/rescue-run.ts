/**
 * One rescue in the starvation sandbox, measured from outside: the shell
 * that cannot fork `exec`s a command (pidrescue, or the bash-builtin method
 * of the original write-up), and when it has exited we look at what is left
 * of the bomb (live and zombie processes, counted apart), at the bystanders
 * and the namespace's init, and at the journal. Shared by
 * test/e2e/rescue-sandbox.test.ts and scripts/bench-rescue.ts.
 *
 * The namespace is kept after the command exits (keepAfterExit), so what
 * the command left behind can still be counted; destroy() ends it.
 */
import { readFileSync } from "node:fs";
import { parseJournalLine } from "../../src/engine/journal.ts";
import { isGone } from "./cgroup.ts";
import { BENCH_BIN, FORKBOMB } from "./paths.ts";
import { type BombName, type ExitStatus, type Sandbox, type SandboxOptions, withSandbox } from "./sandbox.ts";

export const NAMED = `${BENCH_BIN}/named`;

/** A bomb as the sandbox starts it, and the selector an admin would use for it. */
export interface Variant {
  id: string;
  bomb: BombName;
  bombArgs?: string[];
  bombPrefix?: string[];
  /** comm of the bomb's processes (what the bash method matches); undefined: random names. */
  comm: string | undefined;
  /** pidrescue's selector for it (the bomb in the admin's session). */
  selector: string;
}

/** The four bombs of issue 7, each with the selector that can express it. */
export const VARIANTS: Record<"rogue" | "funcbomb" | "setsid" | "random", Variant> = {
  // A bash script that re-runs itself; its processes share the admin's session and group.
  rogue: { id: "rogue.sh", bomb: "rogue.sh", comm: "rogue.sh", selector: "name=rogue.sh" },
  // :(){ :|:& };: typed at an interactive shell: the processes are all "bash".
  funcbomb: { id: "funcbomb (bash)", bomb: "funcbomb.sh", bombPrefix: ["/bin/bash"], comm: "bash", selector: "name=bash" },
  // setsid() in every child: no group or session holds it.
  setsid: { id: "C setsid", bomb: "forkbomb", bombArgs: ["-s"], comm: "forkbomb", selector: "name=forkbomb" },
  // A new random name in every child: only the executable selects it.
  random: { id: "C random names", bomb: "forkbomb", bombArgs: ["-r"], comm: undefined, selector: `exe=${FORKBOMB}` },
};

export interface Census {
  /** Bomb processes not in state Z (running, sleeping or stopped). */
  live: number;
  /** Of those, stopped (T/t). */
  stopped: number;
  zombies: number;
}

export interface RunResult {
  exit: ExitStatus | undefined;
  stdout: string;
  stderr: string;
  /** The command's JSON (pidrescue --json), undefined if none. */
  json: Record<string, unknown> | undefined;
  /** Journal lines that record a signal (sig=...). */
  journal: Array<Record<string, string>>;
  /** Epoch ms of the exec in the starved shell. */
  execAt: number | undefined;
  /** The bomb right after the exec (the command may already be at work on a big one) and right after the command exited. */
  before: Census;
  after: Census;
  /** after, again once init had a moment to reap (zombies). */
  settled: Census;
  bystanders: Array<{ nsPid: number; state: string }>;
  initState: string;
  /** The victim shell's PID inside the namespace (the command's, after the exec). */
  victimNsPid: number | undefined;
  tasksAtExec: number;
  /** /proc/loadavg before the sandbox started (other work on the machine). */
  loadavg: string;
  log: string[];
}

export interface RunOptions {
  command: (sb: Sandbox) => string[];
  variant: Variant;
  pidMax?: number;
  pidsMax?: number;
  /** Added to the bomb's own arguments (e.g. a backoff). */
  bombArgs?: string[];
  /** Start the bomb in a session of its own (setsid before the bomb). */
  ownSession?: boolean;
  /** comm of same-name bystanders to start in sessions of their own, before the bomb. */
  bystanders?: string[];
  journalPath?: string;
  timeoutMs?: number;
  fillTimeoutMs?: number;
  execTimeoutMs?: number;
  /** How long the command may run (default 90 s). */
  runTimeoutMs?: number;
  verbose?: boolean;
}

/** Start a sandbox with the variant's bomb, exec the command, wait for its exit, look at what is left. */
export async function runInSandbox(o: RunOptions): Promise<RunResult> {
  const log: string[] = [];
  const v = o.variant;
  const prefix = [...(o.ownSession ? ["setsid"] : []), ...(v.bombPrefix ?? [])];
  const opts: SandboxOptions = {
    command: ["/bin/false"],
    commandFor: o.command,
    mode: "pidmax",
    pidMax: o.pidMax ?? 1000,
    pidsMax: o.pidsMax,
    bomb: v.bomb,
    bombArgs: [...(v.bombArgs ?? []), ...(o.bombArgs ?? [])],
    bombPrefix: prefix.length > 0 ? prefix : undefined,
    extras: (o.bystanders ?? []).map((name) => ["setsid", NAMED, hex(name), "600"]),
    keepAfterExit: true,
    timeoutMs: o.timeoutMs ?? 110_000,
    fillTimeoutMs: o.fillTimeoutMs,
    execTimeoutMs: o.execTimeoutMs,
    log: (l) => {
      log.push(l);
      if (o.verbose) console.error(l);
    },
  };
  // Before the bomb starts: a spinning bomb of N processes alone makes the load average N.
  const loadavg = readFileSync("/proc/loadavg", "utf8").trim();
  return withSandbox(opts, async (sb) => {
    const before = census(sb);
    const tasksAtExec = sb.tasksAtExec;
    const exit = await sb.waitExit(o.runTimeoutMs ?? 90_000);
    const after = census(sb);
    let settled = after;
    for (let i = 0; i < 100 && settled.zombies > 0; i++) {
      await Bun.sleep(20);
      settled = census(sb);
    }
    const stdout = sb.stdout();
    return {
      exit,
      stdout,
      stderr: sb.stderr(),
      json: lastJson(stdout),
      journal: o.journalPath === undefined ? [] : readJournal(o.journalPath),
      execAt: sb.execEpochMs(),
      before,
      after,
      settled,
      bystanders: sb.extras().map((x) => ({ nsPid: x.nsPid, state: x.pid === undefined ? "gone" : stateOf(x.pid) })),
      initState: stateOf(sb.initPid),
      victimNsPid: statusPid(sb.status(), "victim"),
      tasksAtExec,
      loadavg,
      log,
    };
  });
}

/** The bomb's processes, seen from outside through its cgroup. */
export function census(sb: Sandbox): Census {
  const c: Census = { live: 0, stopped: 0, zombies: 0 };
  for (const pid of sb.cgroup.procs("bomb")) {
    const s = stateOf(pid);
    if (s === "gone") continue;
    if (s === "Z" || s === "X") c.zombies++;
    else {
      c.live++;
      if (s === "T" || s === "t") c.stopped++;
    }
  }
  return c;
}

/** State letter of a host PID, "gone" if it no longer exists. */
export function stateOf(pid: number): string {
  try {
    const s = readFileSync(`/proc/${pid}/stat`, "latin1");
    return s.slice(s.lastIndexOf(")") + 2, s.lastIndexOf(")") + 3);
  } catch (e) {
    if (isGone(e)) return "gone";
    throw e;
  }
}

/** The signal lines of a journal (notes left out); [] if there is none. */
export function readJournal(path: string): Array<Record<string, string>> {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    if (isGone(e)) return [];
    throw e;
  }
  return text
    .split("\n")
    .filter((l) => l.includes("\tsig="))
    .map(parseJournalLine);
}

function statusPid(lines: string[], what: string): number | undefined {
  for (const l of lines) {
    const m = /^(\S+) (\d+)$/.exec(l);
    if (m?.[1] === what) return Number(m[2]);
  }
  return undefined;
}

function lastJson(stdout: string): Record<string, unknown> | undefined {
  const lines = stdout.split("\n").filter((l) => l.startsWith("{"));
  const last = lines.at(-1);
  return last === undefined ? undefined : (JSON.parse(last) as Record<string, unknown>);
}

export function hex(name: string): string {
  return Buffer.from(name, "utf8").toString("hex");
}
