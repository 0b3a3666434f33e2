/**
 * Signals without pidfd (unreachable in the safe mode): process.kill with
 * the errno mapped to a result word, never an exception.
 */
import { errnoCode } from "../errors.ts";

export type SignalResult = "ok" | "gone" | "eperm" | "einval" | "error";

export const SIGNALS = { STOP: "SIGSTOP", CONT: "SIGCONT", KILL: "SIGKILL", TERM: "SIGTERM" } as const;
export type SignalName = keyof typeof SIGNALS;

/** Send `sig` to `target` (a PID, or -PGID for a process group). */
export function sendSignal(target: number, sig: SignalName): SignalResult {
  if (target === 0 || target === -1 || target === 1 || target === -0) return "einval"; // never: self group, everything, init
  try {
    process.kill(target, SIGNALS[sig]);
    return "ok";
  } catch (e) {
    switch (errnoCode(e)) {
      case "ESRCH":
        return "gone";
      case "EPERM":
        return "eperm";
      case "EINVAL":
        return "einval";
      default:
        return "error";
    }
  }
}
