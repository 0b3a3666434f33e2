/**
 * One start-up measured in the starvation sandbox (bench-startup.ts): the
 * starved shell prints $EPOCHREALTIME and `exec`s pidrescue (or runs the
 * bash-builtin method itself), and the harness, at real-time priority,
 * polls every 2 ms from outside what the process has become:
 *   - chrt: /proc/<pid>/exe is chrt (the boost hop);
 *   - fifo: the pidrescue image runs at SCHED_FIFO (stat field 41);
 *   - first output: the command's stdout or stderr grew.
 * Once the last image runs (SCHED_FIFO seen, or first output), its
 * /proc/<pid>/environ gives PIDRESCUE_BOOT_TRACE: when stage 1's first line
 * of JS ran (s1) and, on the boosted path, when the stage that exec'd chrt
 * started its JS (s2). environ is read only then: reading it while the
 * process is inside execve blocks the reader until the exec is done, which
 * would stall the harness behind a process it is meant to watch.
 * After the exit the journal gives the first SIGSTOP, quiescence (its first
 * KILL line: the kill starts once one sweep saw every match stopped) and
 * "all killed" (its last KILL line); the bomb's processes are counted from
 * outside, live apart from zombies, at the exit and once init had up to 2 s
 * to reap. Every time is in ms after the exec.
 */
import { readFileSync, readlinkSync, statSync } from "node:fs";
import { type BashMethodTimes, BASH_METHOD, parseBashMethod } from "./bash-method.ts";
import { type Census, census, readJournal } from "../../test/helpers/rescue-run.ts";
import { type BombName, type Sandbox, exitOf, withSandbox } from "../../test/helpers/sandbox.ts";

export type StartPath = "plain" | "nice" | "fastest" | "noboost" | "bash";

export const PATHS: Record<StartPath, string> = {
  plain: "exec pidrescue rescue SEL --yes",
  nice: "exec nice -n -20 pidrescue rescue SEL --yes",
  fastest: "exec chrt -f 10 pidrescue rescue SEL --yes",
  noboost: "exec pidrescue rescue SEL --yes --no-boost",
  bash: "bash-builtin method (5 STOP sweeps + KILL sweep, in the starved shell)",
};

export interface Timeline {
  /** First line of JS of stage 1 (boot trace). */
  s1Js: number | null;
  /** First line of JS of the stage that exec'd chrt (boot trace). */
  s2Js: number | null;
  chrt: number | null;
  fifo: number | null;
  firstOutput: number | null;
  firstStop: number | null;
  quiescent: number | null;
  allKilled: number | null;
  exit: number | null;
}

export interface StartupRun {
  path: StartPath;
  pidMax: number;
  bomb: BombName;
  /** Tasks in the sandbox at the exec. */
  procs: number;
  loadavg: string;
  exitCode: number | null;
  t: Timeline;
  /** Policies the pidrescue image was seen in, in order (e.g. "OTHER>FIFO"). */
  policies: string;
  atExit: Census;
  settled: Census;
  bash: BashMethodTimes | undefined;
  /** pidrescue's own figure: "quiescent X s after the first signal" (first cycle). */
  reportedQuiescentS: number | null;
  log: string[];
}

export interface RunSpec {
  path: StartPath;
  binary: string;
  pidMax: number;
  bomb: BombName;
  /** comm of the bomb's processes (bash method) and the selector name=COMM. */
  comm: string;
  journal: string;
  runTimeoutMs: number;
  verbose: boolean;
}

const CHRT = "/usr/bin/chrt";
const NICE = "/usr/bin/nice";
const POLICY = ["OTHER", "FIFO", "RR", "BATCH", "ISO", "IDLE", "DEADLINE"];

export async function runStartup(s: RunSpec): Promise<StartupRun> {
  const log: string[] = [];
  const rescue = ["rescue", `name=${s.comm}`, "--yes", "--journal", s.journal];
  const prefix: Record<StartPath, string[]> = { plain: [], nice: [NICE, "-n", "-20"], fastest: [CHRT, "-f", "10"], noboost: [], bash: [] };
  const command = [...prefix[s.path], s.binary, ...rescue, ...(s.path === "noboost" ? ["--no-boost"] : [])];
  return withSandbox(
    {
      command,
      shellScript: s.path === "bash" ? `bm() {\n${BASH_METHOD}\n}\nbm ${s.comm}` : undefined,
      mode: "pidmax",
      pidMax: s.pidMax,
      bomb: s.bomb,
      keepAfterExit: true,
      timeoutMs: s.runTimeoutMs + 240_000,
      fillTimeoutMs: 150_000,
      log: (l) => {
        log.push(l);
        if (s.verbose) console.error(l);
      },
    },
    async (sb) => {
      const procs = sb.tasksAtExec;
      const loadavg = readFileSync("/proc/loadavg", "utf8").trim();
      const w = await watch(sb, s.binary, s.runTimeoutMs);
      const atExit = census(sb);
      let settled = atExit;
      for (let i = 0; i < 100 && settled.zombies > 0; i++) {
        await Bun.sleep(20);
        settled = census(sb);
      }
      const execAt = sb.execEpochMs() ?? Number.NaN;
      const rel = (ms: number | undefined): number | null => (ms === undefined || !Number.isFinite(ms) ? null : Math.round(ms - execAt));
      const j = readJournal(s.journal);
      const at = (l: Record<string, string> | undefined): number | undefined => (l?.time === undefined ? undefined : Date.parse(l.time));
      const stops = j.filter((l) => l.sig === "STOP" || l.sig === "freeze");
      const kills = j.filter((l) => l.sig === "KILL" || l.sig === "kill");
      const stdout = sb.stdout();
      const bash = s.path === "bash" ? parseBashMethod(stdout) : undefined;
      const q = /quiescent (\d+(?:\.\d+)?) s after the first signal/.exec(stdout);
      return {
        path: s.path,
        pidMax: s.pidMax,
        bomb: s.bomb,
        procs,
        loadavg,
        exitCode: w.exitCode,
        t: {
          s1Js: rel(w.trace.get("s1")),
          s2Js: rel(w.trace.get("s2")),
          chrt: rel(w.chrt),
          fifo: rel(w.fifo),
          // The bash method prints only at its end and keeps no journal: its first STOP is not timed.
          firstOutput: bash !== undefined ? null : rel(w.firstOutput),
          firstStop: bash !== undefined ? null : rel(at(stops[0])),
          quiescent: rel(bash?.sweeps[4] ?? at(kills[0])),
          allKilled: rel(bash?.killed ?? at(kills.at(-1))),
          exit: rel(w.exit),
        },
        policies: w.policies.join(">"),
        atExit,
        settled,
        bash,
        reportedQuiescentS: q?.[1] === undefined ? null : Number(q[1]),
        log,
      };
    },
  );
}

interface Watched {
  chrt?: number;
  fifo?: number;
  firstOutput?: number;
  exit?: number;
  exitCode: number | null;
  policies: string[];
  trace: Map<string, number>;
}

/** Poll the command from outside every 2 ms until it exits (or the time limit). Sleeps between polls: never spins. */
async function watch(sb: Sandbox, binary: string, limitMs: number): Promise<Watched> {
  const w: Watched = { exitCode: null, policies: [], trace: new Map() };
  const pid = sb.victimPid;
  const outFile = `${sb.dir}/victim.out`;
  const errFile = `${sb.dir}/victim.err`;
  const errAtStart = sizeOf(errFile);
  const end = Date.now() + limitMs;
  for (;;) {
    const now = Date.now();
    const st = exitOf(sb.status());
    if (st !== undefined) {
      w.exit = now;
      w.exitCode = st.code;
      return w;
    }
    const exe = readLink(`/proc/${pid}/exe`);
    if (exe === CHRT) w.chrt ??= now;
    if (exe === binary) {
      const policy = POLICY[policyOf(readText(`/proc/${pid}/stat`))] ?? "?";
      if (w.policies.at(-1) !== policy) w.policies.push(policy);
      if (policy === "FIFO") w.fifo ??= now;
    }
    if (w.firstOutput === undefined && (sizeOf(outFile) > 0 || sizeOf(errFile) > errAtStart)) w.firstOutput = now;
    if (w.trace.size === 0 && exe === binary && (w.fifo !== undefined || w.firstOutput !== undefined)) readTrace(pid, w.trace);
    if (now > end) return w;
    await Bun.sleep(2);
  }
}

/** PIDRESCUE_BOOT_TRACE of the running image ("s1=MS,s2=MS"). */
function readTrace(pid: number, into: Map<string, number>): void {
  const environ = readText(`/proc/${pid}/environ`);
  const trace = /(?:^|\0)PIDRESCUE_BOOT_TRACE=([^\0]*)/.exec(environ)?.[1] ?? "";
  for (const kv of trace.split(",")) {
    const [k, v] = kv.split("=");
    if (k !== undefined && v !== undefined && !into.has(k)) into.set(k, Number(v));
  }
}

function policyOf(stat: string): number {
  const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return Number(f[41 - 3] ?? -1);
}

function readText(path: string): string {
  try {
    return readFileSync(path, "latin1");
  } catch {
    return ""; // the process is between images or gone: the next poll sees it
  }
}

function readLink(path: string): string | undefined {
  try {
    return readlinkSync(path);
  } catch {
    return undefined; // gone, or between images
  }
}

function sizeOf(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0; // not written yet
  }
}
