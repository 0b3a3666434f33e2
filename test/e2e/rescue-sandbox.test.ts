/**
 * Issue 7, "Must show", in the starvation sandbox: a shell that cannot fork
 * (pid_max 1,000 in its own PID namespace, every slot held by a bomb)
 * `exec`s the compiled binary, which plans, freezes, kills and verifies.
 *
 * Each bomb variant is frozen and killed with zero live survivors, counted
 * from outside through the bomb's cgroup (zombies apart); bystanders of the
 * same name in another session, the namespace's init and pidrescue's own
 * chain are untouched; the journal holds one line per signal; --dry-run and
 * bad selectors send nothing. The bombs back off after a failed fork
 * (bash's own retry, -b for the C bomb), except one test with the spinning
 * C bomb. Every sandbox is bounded and torn down from outside (withSandbox).
 */
import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { BINARY, FORKBOMB } from "../helpers/paths.ts";
import { type RunOptions, type RunResult, VARIANTS, runInSandbox } from "../helpers/rescue-run.ts";
import { destroyAllSandboxes } from "../helpers/sandbox.ts";

const dir = mkdtempSync(`${tmpdir()}/pidrescue-rescue-test-`);
afterAll(async () => {
  await destroyAllSandboxes();
  rmSync(dir, { recursive: true, force: true });
});

/** The C bomb sleeps 20 ms after a failed fork: 1,000 spinners would starve 2 CPUs (one test spins). */
const BACKOFF = ["-b", "20000"];
const TEST_MS = 150_000;

let serial = 0;
function journalPath(): string {
  return `${dir}/journal-${serial++}.log`;
}

/** Run `rescue SELECTOR --yes --json --journal J` from the starved shell. */
function rescue(o: Omit<RunOptions, "command" | "journalPath">, selector: (sid: number) => string, extra: string[] = []): Promise<RunResult> {
  const journal = journalPath();
  return runInSandbox({
    ...o,
    journalPath: journal,
    command: (sb) => [BINARY, "rescue", selector(sb.bombNsPid() ?? -1), "--yes", "--json", "--journal", journal, ...extra],
  });
}

interface Cycle {
  freeze: { signals: number; nearMisses: unknown[]; rounds: number; quiescent: boolean };
  kill: { signals: number; killed: number };
}

/** What every successful rescue must show. */
function expectRescued(r: RunResult): Record<string, unknown> {
  expect({ exit: r.exit, stderr: r.stderr }).toEqual({ exit: { code: 0, signal: null }, stderr: expect.any(String) });
  const j = r.json ?? {};
  expect(j.command).toBe("rescue");
  // Zero live survivors, by pidrescue's own verify and from outside; zombies are counted apart.
  expect(j.survivors).toBe(0);
  expect(r.after.live).toBe(0);
  expect(r.settled.live).toBe(0);
  expect(j.killed as number).toBeGreaterThan(0);
  // One journal line per signal: the JSON's counts, STOPs and KILLs and undone near misses.
  const cycles = j.cycles as Cycle[];
  const sent = cycles.reduce((a, c) => a + c.freeze.signals + c.freeze.nearMisses.length + c.kill.signals, 0);
  expect(r.journal.length).toBe(sent);
  expect(r.journal.filter((l) => l.result === undefined || l.result === "")).toEqual([]);
  expect(r.journal.filter((l) => l.sig === "KILL" || l.sig === "kill").length).toBe(cycles.reduce((a, c) => a + c.kill.signals, 0));
  // Never the namespace's init, never pidrescue itself (the victim shell's PID), never a group <= 1.
  const victim = r.victimNsPid ?? -999;
  expect(r.journal.filter((l) => [1, 0, -1, victim, -victim].includes(Number(l.pid)) && l.strategy !== "cgroup1" && l.strategy !== "cgroup2")).toEqual([]);
  // pidrescue's only ancestor is the namespace's init (sbinit): it saw pidrescue exit (the exit status
  // comes from its waitpid), and it is not stopped. With nothing left to reap it exits; a bystander keeps it.
  expect(r.initState).not.toBe("T");
  return j;
}

function sigLines(r: RunResult, pid: number): number {
  return r.journal.filter((l) => Number(l.pid) === pid || Number(l.pid) === -pid).length;
}

afterAll(destroyAllSandboxes);

describe("rescue from a starved shell (pid_max 1,000, zero free slots)", () => {
  test(
    "rogue.sh, by name: per-PID sweeps to a fixed point, all killed",
    async () => {
      const r = await rescue({ variant: VARIANTS.rogue }, () => "name=rogue.sh");
      const j = expectRescued(r);
      const plan = j.plan as { strategies: { perPid: number; processGroups: unknown[] } };
      // It shares the admin's session and group (read as 0 in the namespace): no group signal is allowed.
      expect(plan.strategies.processGroups).toEqual([]);
      expect(plan.strategies.perPid).toBeGreaterThan(900);
      expect(new Set(r.journal.map((l) => l.comm))).toEqual(new Set(["rogue.sh"]));
      expect(new Set(r.journal.map((l) => l.strategy))).toEqual(new Set(["pid"]));
    },
    TEST_MS,
  );

  test(
    "rogue.sh in its own session, by name and session: a same-name bystander in another session is untouched",
    async () => {
      const r = await rescue({ variant: VARIANTS.rogue, ownSession: true, bystanders: ["rogue.sh"] }, (sid) => `name=rogue.sh and sid=${sid}`);
      const j = expectRescued(r);
      const [by] = r.bystanders;
      expect(by).toBeDefined();
      expect(by?.state).toBe("S"); // still there, not stopped
      expect(r.initState).toBe("S");
      expect(sigLines(r, by?.nsPid ?? -1)).toBe(0);
      // The whole session is one process group: stopped and killed with one group signal each.
      expect((j.plan as { strategies: { processGroups: unknown[] } }).strategies.processGroups).toHaveLength(1);
      expect(r.journal.filter((l) => l.strategy === "pgrp").map((l) => l.sig)).toEqual(["STOP", "KILL"]);
    },
    TEST_MS,
  );

  test(
    "the function bomb :(){ :|:& };: (every process named bash), by session: a bash in another session is untouched",
    async () => {
      const r = await rescue({ variant: VARIANTS.funcbomb, ownSession: true, bystanders: ["bash"] }, (sid) => `sid=${sid}`);
      expectRescued(r);
      const [by] = r.bystanders;
      expect(by?.state).toBe("S");
      expect(r.initState).toBe("S");
      expect(sigLines(r, by?.nsPid ?? -1)).toBe(0);
      expect(r.journal.every((l) => l.comm === "bash" || l.strategy === "pgrp")).toBe(true);
    },
    TEST_MS,
  );

  test(
    "C bomb with setsid() in every child, by name: no group or session holds it",
    async () => {
      const r = await rescue({ variant: VARIANTS.setsid, bombArgs: BACKOFF }, () => "name=forkbomb");
      const j = expectRescued(r);
      expect((j.plan as { strategies: { processGroups: unknown[] } }).strategies.processGroups).toEqual([]);
      expect(new Set(r.journal.map((l) => l.comm))).toEqual(new Set(["forkbomb"]));
    },
    TEST_MS,
  );

  test(
    "C bomb with a random name in every child, by executable",
    async () => {
      const r = await rescue({ variant: VARIANTS.random, bombArgs: BACKOFF }, () => `exe=${FORKBOMB}`);
      const j = expectRescued(r);
      // No single name covers it: hundreds of distinct names were signalled.
      expect(new Set(r.journal.map((l) => l.comm)).size).toBeGreaterThan(100);
      expect((j.plan as { byName: unknown[] }).byName.length).toBeGreaterThan(100);
    },
    TEST_MS,
  );

  test(
    "the spinning C bomb (setsid, no backoff), by name",
    async () => {
      const r = await rescue({ variant: VARIANTS.setsid }, () => "name=forkbomb");
      expectRescued(r);
    },
    TEST_MS,
  );

  test(
    "--dry-run sends nothing: the bomb keeps running, no journal line",
    async () => {
      const r = await rescue({ variant: VARIANTS.rogue }, () => "name=rogue.sh", ["--dry-run"]);
      expect(r.exit).toEqual({ code: 0, signal: null });
      expect((r.json?.plan as { targets: number } | undefined)?.targets ?? 0).toBeGreaterThan(900);
      expect(r.journal).toEqual([]);
      // Not one bomb process was stopped, none died: the table is as full as before (plus the slot pidrescue freed).
      expect(r.after.stopped).toBe(0);
      expect(r.after.live).toBeGreaterThanOrEqual(r.before.live);
    },
    TEST_MS,
  );

  const bad: Array<[string, string, number]> = [
    ["dangling and", "name=rogue.sh and", 2],
    ["misspelt key", "nmae=rogue.sh", 2],
    ["nothing matches", "name=no-such-process", 1],
  ];
  test.each(bad)(
    "bad selector (%s) sends nothing and exits non-zero",
    async (_name, selector, code) => {
      const r = await rescue({ variant: VARIANTS.rogue }, () => selector);
      expect(r.exit?.code).toBe(code);
      expect(r.journal).toEqual([]);
      expect(r.after.stopped).toBe(0);
      expect(r.after.live).toBeGreaterThanOrEqual(r.before.live);
    },
    TEST_MS,
  );
});
