/**
 * A test seam for the PID-reuse guard: with PIDRESCUE_TEST_PAUSE_FILE=F in
 * the environment, the freeze engine stops after planning, creates
 * F.waiting, and waits (bounded, 60 s) until F exists. The test uses the
 * pause to make a matched PID belong to another process. Without the
 * variable this is a no-op. Synchronous, no thread: sleepMs polls.
 */
import { closeSync, existsSync, openSync } from "node:fs";
import { sleepMs } from "../system/sleep.ts";

export function testPause(): void {
  const f = process.env.PIDRESCUE_TEST_PAUSE_FILE;
  if (f === undefined || f === "") return;
  closeSync(openSync(`${f}.waiting`, "w"));
  const end = Date.now() + 60_000;
  while (!existsSync(f) && Date.now() < end) sleepMs(10);
}
