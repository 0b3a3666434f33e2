/**
 * Which limit on task creation is exhausted, and by whom: pure, over
 * figures read elsewhere (collect.ts). Four kinds of limit stop fork() and
 * pthread_create() with EAGAIN:
 *   - pid_max of the PID namespace (after the first wrap-around the kernel
 *     allocates only from RESERVED_PIDS (300) up, so what is left is
 *     (pid_max - 300) minus the tasks holding PIDs >= 300);
 *   - kernel.threads-max, against every task of the system;
 *   - pids.max of any pids cgroup on the task's path (v1 or v2);
 *   - RLIMIT_NPROC, against the tasks of the real uid (root is exempt).
 * The verdict is one plain sentence naming the exhausted limit and the
 * biggest group using it, or the nearest limit when none is exhausted.
 */
import { num, pct } from "../views/format.ts";

/** The kernel's RESERVED_PIDS: PIDs below it are not handed out again after a wrap. */
export const RESERVED_PIDS = 300;

/** One group's tasks counted against a limit (biggest first in every list). */
export interface Share {
  name: string;
  /** The uid, when all of the group's members in this limit have one. */
  uid: number | null;
  tasks: number;
}

export interface PidMaxFigure {
  pidMax: number;
  /** Tasks holding a PID in this namespace (sum of num_threads). */
  tasks: number;
  /** Of them, tasks of processes whose PID is below RESERVED_PIDS. */
  tasksLow: number;
  /** "own": a PID namespace of its own; "init": the host's; "unknown": could not tell. */
  namespace: "own" | "init" | "unknown";
  top: Share[];
}

export interface ThreadsMaxFigure {
  threadsMax: number;
  /** Tasks of the whole system (loadavg), or the scan's when larger. */
  tasks: number;
  top: Share[];
}

export interface CgroupFigure {
  version: 1 | 2;
  /** Path inside the hierarchy, "/user.slice/user-1001.slice". */
  path: string;
  current: number;
  /** null = "max" (no limit here). */
  max: number | null;
  /** The "max N" line of pids.events: task creations refused (hierarchically on v2). */
  refused: number | null;
  top: Share[];
}

export interface NprocFigure {
  uid: number;
  user: string;
  /** RLIMIT_NPROC of a member (soft, hard); null = unlimited. */
  soft: number | null;
  hard: number | null;
  /** Tasks of this uid seen in the scan. */
  tasks: number;
  top: Share[];
}

export interface LimitsInput {
  pidMax: PidMaxFigure | undefined;
  threadsMax: ThreadsMaxFigure | undefined;
  cgroups: CgroupFigure[];
  nproc: NprocFigure[];
}

export type LimitKind = "pid_max" | "threads-max" | "cgroup" | "nproc";

/** One limit, judged. */
export interface LimitState {
  kind: LimitKind;
  /** "pid_max", "cgroup /a/b", "RLIMIT_NPROC of uid 1001". */
  label: string;
  used: number;
  limit: number;
  /** Tasks that could still be created under this limit. */
  free: number;
  /** used / (used + free): 1 when nothing is left. */
  ratio: number;
  full: boolean;
  top: Share[];
  /** Why this limit does not apply, e.g. "root is exempt". */
  note?: string;
}

export interface Verdict {
  sentence: string;
  /** The limit the sentence names (undefined only when there is no limit at all to compare). */
  primary: LimitState | undefined;
  exhausted: LimitState[];
  /** Every limit judged, fullest first. */
  states: LimitState[];
}

/** Judge every limit and word the verdict. */
export function diagnose(input: LimitsInput): Verdict {
  const states = judge(input);
  const exhausted = states.filter((s) => s.full);
  const primary = exhausted.length > 0 ? pickPrimary(exhausted) : states[0];
  let sentence: string;
  if (exhausted.length > 0 && primary !== undefined) sentence = fullSentence(primary, input);
  else if (primary !== undefined) sentence = `no limit is exhausted: nearest is ${nearPhrase(primary)}`;
  else sentence = "no limit is exhausted (no limit could be read)";
  return { sentence, primary, exhausted, states };
}

/** Every limit as a LimitState, fullest first (ties: pid_max, cgroup, nproc, threads-max). */
export function judge(input: LimitsInput): LimitState[] {
  const out: LimitState[] = [];
  const p = input.pidMax;
  if (p !== undefined) {
    const high = Math.max(0, p.tasks - p.tasksLow);
    const free = Math.max(0, Math.min(p.pidMax - 1 - p.tasks, p.pidMax - RESERVED_PIDS - high));
    out.push(state("pid_max", "pid_max", p.tasks, p.pidMax, free, p.top, slack(p.pidMax)));
  }
  for (const c of input.cgroups) {
    if (c.max === null) continue;
    out.push(state("cgroup", `cgroup ${c.path}`, c.current, c.max, Math.max(0, c.max - c.current), c.top, slack(c.max)));
  }
  for (const n of input.nproc) {
    if (n.soft === null) continue;
    const s = state("nproc", `RLIMIT_NPROC of uid ${n.uid}`, n.tasks, n.soft, Math.max(0, n.soft - n.tasks), n.top, 0);
    if (n.uid === 0) {
      s.full = false;
      s.ratio = 0;
      s.note = "root is exempt";
    }
    out.push(s);
  }
  const t = input.threadsMax;
  if (t !== undefined) out.push(state("threads-max", "threads-max", t.tasks, t.threadsMax, Math.max(0, t.threadsMax - t.tasks), t.top, slack(t.threadsMax)));
  const rank: Record<LimitKind, number> = { pid_max: 0, cgroup: 1, nproc: 2, "threads-max": 3 };
  out.sort((a, b) => Number(b.full) - Number(a.full) || b.ratio - a.ratio || rank[a.kind] - rank[b.kind]);
  return out;
}

/**
 * Slots that may be in flux while a bomb churns (exits not yet reaped):
 * a limit with this few left counts as exhausted. 0 below 1,000.
 */
export function slack(limit: number): number {
  return Math.floor(limit / 1000);
}

function state(kind: LimitKind, label: string, used: number, limit: number, free: number, top: Share[], sl: number): LimitState {
  const room = used + free;
  return { kind, label, used, limit, free, ratio: room > 0 ? used / room : 1, full: free <= sl, top };
}

/** Among exhausted limits: the whole namespace first, then the cgroup or uid the top group fills most, then the tightest. */
function pickPrimary(full: LimitState[]): LimitState {
  const rank: Record<LimitKind, number> = { pid_max: 0, cgroup: 1, nproc: 2, "threads-max": 3 };
  const topTasks = (s: LimitState): number => s.top[0]?.tasks ?? 0;
  return [...full].sort((a, b) => rank[a.kind] - rank[b.kind] || topTasks(b) - topTasks(a) || a.limit - b.limit)[0]!;
}

function fullSentence(s: LimitState, input: LimitsInput): string {
  const top = s.top[0];
  const who = (withUid: boolean): string =>
    top === undefined ? "" : `, ${num(top.tasks)} of them \`${top.name}\`${withUid && top.uid !== null ? ` of uid ${top.uid}` : ""}`;
  switch (s.kind) {
    case "pid_max": {
      const ns = input.pidMax?.namespace;
      const space = ns === "own" ? "the PID namespace" : ns === "init" ? "the kernel" : "the PID space";
      const low = input.pidMax !== undefined && s.used < s.limit - 1 ? ` (PIDs below ${RESERVED_PIDS} are not reused after a wrap)` : "";
      return `${space} is at its pid_max: ${num(s.used)} of ${num(s.limit)} PIDs in use${low}${who(false)}`;
    }
    case "cgroup":
      return `${s.label} is at its pids.max ${num(s.used)}/${num(s.limit)}${who(true)}`;
    case "nproc":
      return `${s.label.replace("RLIMIT_NPROC of ", "")} is at RLIMIT_NPROC ${num(s.used)}/${num(s.limit)}${who(false)}`;
    case "threads-max":
      return `the kernel is at threads-max: ${num(s.used)} of ${num(s.limit)} tasks${who(false)}`;
  }
}

function nearPhrase(s: LimitState): string {
  const what =
    s.kind === "pid_max"
      ? `pid_max (${num(s.used)} of ${num(s.limit)} PIDs)`
      : s.kind === "cgroup"
        ? `the pids.max of ${s.label} (${num(s.used)}/${num(s.limit)})`
        : s.kind === "nproc"
          ? `${s.label} (${num(s.used)}/${num(s.limit)})`
          : `threads-max (${num(s.used)} of ${num(s.limit)} tasks)`;
  return `${what} at ${pct(s.used, s.used + s.free)}`;
}
