/**
 * The REPL's session carried across an exec of itself (priority.ts): what
 * is frozen (PID, starttime, name), the cgroups it froze, the history for
 * `journal`, and a line still to run. JSON in one environment variable:
 * nothing to clean up afterwards, nothing another user can tamper with.
 * The kernel limits one variable to 128 KiB (MAX_ARG_STRLEN); a bigger
 * session is not carried (the caller then stays where it is). Pure.
 */
import type { SessionState } from "../cli/context.ts";

export const RESUME_VAR = "PIDRESCUE_RESUME";
/** Under the kernel's 131,072 bytes for one "NAME=value" string. */
export const MAX_RESUME_BYTES = 120_000;

export type ResumeWhy = "idle" | "boost";

export interface ResumeState {
  why: ResumeWhy;
  frozen: Array<[number, number, string]>;
  cgroups: SessionState["frozenCgroups"];
  history: string[];
  /** A line to run first (the signalling command that asked for the boost). */
  pending: string | undefined;
}

/** The session as one string, or undefined when it is too big to carry. */
export function encodeResume(session: SessionState, why: ResumeWhy, pending?: string): string | undefined {
  const state: ResumeState = {
    why,
    frozen: [...session.frozen].map(([pid, f]) => [pid, f.starttime, f.comm]),
    cgroups: session.frozenCgroups,
    history: session.history.slice(-200),
    pending,
  };
  const text = JSON.stringify(state);
  return Buffer.byteLength(text) + RESUME_VAR.length + 1 > MAX_RESUME_BYTES ? undefined : text;
}

/** Parse and check; undefined for anything malformed. */
export function decodeResume(text: string): ResumeState | undefined {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return undefined; // not ours or cut short: the session starts empty
  }
  if (typeof v !== "object" || v === null) return undefined;
  const o = v as Record<string, unknown>;
  if (o.why !== "idle" && o.why !== "boost") return undefined;
  if (!Array.isArray(o.frozen) || !o.frozen.every(isFrozenEntry)) return undefined;
  if (!Array.isArray(o.cgroups) || !o.cgroups.every(isCgroupEntry)) return undefined;
  if (!Array.isArray(o.history) || !o.history.every((h) => typeof h === "string")) return undefined;
  if (o.pending !== undefined && typeof o.pending !== "string") return undefined;
  return { why: o.why, frozen: o.frozen, cgroups: o.cgroups, history: o.history, pending: o.pending };
}

/** Put a carried session back into a fresh one. */
export function restoreSession(session: SessionState, s: ResumeState): void {
  for (const [pid, starttime, comm] of s.frozen) session.frozen.set(pid, { starttime, comm });
  session.frozenCgroups.push(...s.cgroups);
  session.history.push(...s.history);
}

function isFrozenEntry(e: unknown): e is [number, number, string] {
  return Array.isArray(e) && e.length === 3 && Number.isInteger(e[0]) && (e[0] as number) > 0 && Number.isFinite(e[1]) && typeof e[2] === "string";
}

function isCgroupEntry(e: unknown): e is SessionState["frozenCgroups"][number] {
  if (typeof e !== "object" || e === null) return false;
  const c = e as Record<string, unknown>;
  return (c.version === 1 || c.version === 2) && typeof c.path === "string" && typeof c.dir === "string";
}
