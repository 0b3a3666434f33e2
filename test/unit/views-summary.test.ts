/**
 * The `ps` summary: grouping and ordering over a fixture tree (the real
 * scanner), agreement with a naive reference on a random table, every
 * --by key, and the one-screen promise at 30,000 processes.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { PF_KTHREAD } from "../../src/proc/stat.ts";
import { scanProcs } from "../../src/proc/scanner.ts";
import { LazyReader } from "../../src/proc/lazy.ts";
import type { ProcTable } from "../../src/proc/table.ts";
import type { ViewEnv } from "../../src/views/env.ts";
import { type GroupBy, groupKeys, parseGroupBy } from "../../src/views/group-keys.ts";
import { FEW_GROUPS, orderGroups, summarize } from "../../src/views/summary.ts";
import { fitGroups, summaryJson, summaryLines } from "../../src/views/summary-text.ts";
import { type FixtureProc, fixtureTable, makeFixtureTree, removeFixtureTree } from "../helpers/fixture-proc.ts";

const BTIME = 1_700_000_000;
const roots: string[] = [];
afterAll(() => roots.forEach(removeFixtureTree));

function envFor(procRoot: string, nowMs = (BTIME + 10_000) * 1000): ViewEnv {
  return { lazy: new LazyReader(procRoot), bootTime: BTIME, nowMs, userName: (u) => (u === 0 ? "root" : `u${u}`) };
}

function sum(t: ProcTable, by: GroupBy, o: { detail?: number; kernelThreads?: boolean; rows?: Int32Array; env?: ViewEnv } = {}) {
  const env = o.env ?? envFor("/nonexistent");
  return summarize(t, { keys: groupKeys(t, by, env), detail: o.detail ?? 0, kernelThreads: o.kernelThreads, rows: o.rows });
}

// A small machine: init, two kernel threads, a bomb of 5 rogue.sh (two stopped) of uid 1001
// in two process groups, 3 bash in 3 sessions of two users, 1 sshd.
const SMALL: FixtureProc[] = [
  { pid: 1, comm: "systemd", ppid: 0, sid: 1, pgrp: 1, starttime: 100, cgroup: "0::/init.scope\n" },
  { pid: 2, comm: "kthreadd", ppid: 0, flags: PF_KTHREAD, starttime: 100, cmdline: [] },
  { pid: 3, comm: "kworker/0:1", ppid: 2, flags: PF_KTHREAD | 0x40, starttime: 120, cmdline: [] },
  { pid: 400, comm: "sshd", ppid: 1, starttime: 500 },
  { pid: 500, comm: "bash", ppid: 400, sid: 500, pgrp: 500, uid: 1001, starttime: 1000 },
  { pid: 600, comm: "bash", ppid: 400, sid: 600, pgrp: 600, uid: 1002, starttime: 2000 },
  { pid: 700, comm: "bash", ppid: 400, sid: 700, pgrp: 700, uid: 1001, starttime: 3000 },
  ...[0, 1, 2, 3, 4].map((k): FixtureProc => ({
    pid: 800 + k,
    comm: "rogue.sh",
    ppid: k === 0 ? 500 : 800,
    sid: 500,
    pgrp: k < 3 ? 800 : 803,
    uid: 1001,
    state: k < 2 ? "T" : "S",
    threads: k === 4 ? 3 : 1,
    starttime: 5000 + k * 100,
    cgroup: "0::/user.slice/user-1001.slice\n",
  })),
];

function smallTree(): string {
  const root = makeFixtureTree(SMALL, { btime: BTIME });
  roots.push(root);
  return root;
}

describe("summary by name over a fixture tree", () => {
  test("biggest group first, kernel threads hidden but counted, details right", () => {
    const root = smallTree();
    const t = scanProcs({ procRoot: root });
    const s = sum(t, "name", { env: envFor(root) });
    // Ties keep scan order, which for a fixture tree is the directory's order: compare as a set.
    expect(s.groups.slice(0, 2).map((g) => [g.label, g.count])).toEqual([
      ["rogue.sh", 5],
      ["bash", 3],
    ]);
    expect(s.groups.slice(2).map((g) => [g.label, g.count]).sort()).toEqual([
      ["sshd", 1],
      ["systemd", 1],
    ]);
    expect(s.kernelThreads).toBe(2);
    expect(s.kernelHidden).toBe(true);
    expect(s.processes).toBe(10);
    expect(s.tasks).toBe(SMALL.reduce((a, p) => a + (p.threads ?? 1), 0));
    const rogue = s.groups[0]!;
    expect(rogue.states).toEqual([
      ["S", 3],
      ["T", 2],
    ]);
    expect(rogue.tasks).toBe(7);
    expect(rogue.sessions).toBe(1);
    expect(rogue.pgrps).toBe(2);
    expect(rogue.userCount).toBe(1);
    expect(rogue.oldestStart).toBe(5000);
    expect(rogue.newestStart).toBe(5400);
    expect(t.pid[rogue.firstRow]).toBe(800);
    const bash = s.groups[1]!;
    expect(bash.uids).toEqual([1001, 1002]);
    expect(bash.sessions).toBe(3);
  });

  test("--kernel counts kernel threads as groups", () => {
    const root = smallTree();
    const t = scanProcs({ procRoot: root });
    const s = sum(t, "name", { kernelThreads: true, env: envFor(root) });
    expect(s.kernelHidden).toBe(false);
    expect(s.processes).toBe(12);
    expect(s.groups.map((g) => g.label)).toContain("kworker/0:1");
  });

  test("text: totals line, offender on top, cgroup sampled from a member, states as letters", () => {
    const root = smallTree();
    const t = scanProcs({ procRoot: root });
    const env = envFor(root);
    const s = sum(t, "name", { env });
    const lines = summaryLines(s, t, env, { pidMax: 32768, width: 120 });
    expect(lines[0]).toBe("10 processes, 14 tasks, pid_max 32,768 (0.04% used), 4 names, 2 kernel threads not shown");
    // Narrower: shorter wordings, never wider than the terminal.
    expect(summaryLines(s, t, env, { pidMax: 32768, width: 70 })[0]).toBe("10 processes, 14 tasks, pid_max 32,768 (0.04% used), 2 kthreads hidden");
    expect(summaryLines(s, t, env, { pidMax: 32768, width: 30 })[0]).toBe("10 processes, 14 tasks, pid_m+");
    expect(lines[1]).toMatch(/^COUNT NAME\s+STATES\s+USERS\s+SESS PGRPS OLDEST NEWEST CGROUP$/);
    expect(lines[2]).toMatch(/^\s+5 rogue\.sh\s+S3 T2\s+u1001\s+1\s+2\s+2h45m\s+2h45m \/user\.slice\/user-1001\.slice$/);
    expect(lines[3]).toMatch(/^\s+3 bash\s+S3\s+u1001,u1002\s+3\s+3 /);
    expect(lines).toHaveLength(6);
  });

  test("JSON payload has every group and the totals", () => {
    const root = smallTree();
    const t = scanProcs({ procRoot: root });
    const env = envFor(root);
    const j = summaryJson(sum(t, "name", { env }), t, env, { pidMax: 1000 }) as {
      totals: Record<string, unknown>;
      groups: Array<Record<string, unknown>>;
    };
    expect(j.totals).toEqual({ processes: 10, tasks: 14, kernelThreads: 2, kernelThreadsHidden: true, groups: 4, pidMax: 1000 });
    expect(j.groups[0]).toMatchObject({ key: "rogue.sh", count: 5, tasks: 7, states: { S: 3, T: 2 }, users: ["u1001"], sessions: 1, pgrps: 2, cgroup: "/user.slice/user-1001.slice", firstPid: 800 });
  });

  test("a selection is summarised alone", () => {
    const t = fixtureTable(SMALL);
    const rows = Int32Array.from([4, 5, 6]); // the three bash
    const s = sum(t, "name", { rows });
    expect(s.groups.map((g) => [g.label, g.count])).toEqual([["bash", 3]]);
    expect(s.processes).toBe(3);
  });
});

describe("--by", () => {
  test("user, session, pgrp, cgroup group on their key", () => {
    const root = smallTree();
    const t = scanProcs({ procRoot: root });
    const env = envFor(root);
    expect(sum(t, "user", { env }).groups.map((g) => [g.label, g.count])).toEqual([
      ["u1001", 7],
      ["root", 2],
      ["u1002", 1],
    ]);
    // (no ties above; the cgroup case below has none either)
    const bySession = sum(t, "session", { env }).groups;
    expect(bySession[0]).toMatchObject({ label: "500 bash", count: 6 });
    expect(bySession[0]!.names.map((n) => [t.names.text(n.nameId), n.count])).toEqual([
      ["rogue.sh", 5],
      ["bash", 1],
    ]);
    expect(sum(t, "pgrp", { env }).groups.slice(0, 2).map((g) => [g.label, g.count])).toEqual([
      ["800 rogue.sh", 3],
      ["803 rogue.sh", 2],
    ]);
    expect(sum(t, "cgroup", { env }).groups.map((g) => [g.label, g.count])).toEqual([
      ["/user.slice/user-1001.slice", 5],
      ["/", 4],
      ["/init.scope", 1],
    ]);
  });

  test("parseGroupBy takes aliases and rejects the rest with a suggestion", () => {
    expect(parseGroupBy(undefined)).toBe("name");
    expect(parseGroupBy("sid")).toBe("session");
    expect(parseGroupBy("UID")).toBe("user");
    expect(() => parseGroupBy("sesion")).toThrow(/did you mean 'session'/);
  });
});

/** What a summary by name must say, computed the obvious way (Maps and Sets), biggest first, ties by first appearance. */
function reference(procs: FixtureProc[]) {
  const ref = new Map<string, { count: number; tasks: number; sids: Set<number>; pgrps: Set<number>; uids: Set<number>; states: Map<string, number>; first: number; oldest: number; newest: number }>();
  procs.forEach((p, i) => {
    if ((p.flags ?? 0) & PF_KTHREAD) return;
    const name = String(p.comm);
    let e = ref.get(name);
    if (e === undefined) {
      e = { count: 0, tasks: 0, sids: new Set(), pgrps: new Set(), uids: new Set(), states: new Map(), first: i, oldest: Infinity, newest: -Infinity };
      ref.set(name, e);
    }
    e.count++;
    e.tasks += p.threads ?? 1;
    e.sids.add(p.sid ?? p.pid);
    e.pgrps.add(p.pgrp ?? p.pid);
    e.uids.add(p.uid ?? 0);
    e.states.set(p.state ?? "S", (e.states.get(p.state ?? "S") ?? 0) + 1);
    e.oldest = Math.min(e.oldest, p.starttime ?? 4283612);
    e.newest = Math.max(e.newest, p.starttime ?? 4283612);
  });
  return [...ref.entries()]
    .sort((a, b) => b[1].count - a[1].count || a[1].first - b[1].first)
    .map(([name, e]) => ({
      label: name,
      count: e.count,
      tasks: e.tasks,
      sessions: e.sids.size,
      pgrps: e.pgrps.size,
      users: e.uids.size,
      states: Object.fromEntries(e.states),
      oldest: e.oldest,
      newest: e.newest,
    }));
}

function asReference(s: ReturnType<typeof sum>) {
  return s.groups.map((g) => ({
    label: g.label,
    count: g.count,
    tasks: g.tasks,
    sessions: g.sessions,
    pgrps: g.pgrps,
    users: g.userCount,
    states: Object.fromEntries(g.states),
    oldest: g.oldestStart,
    newest: g.newestStart,
  }));
}

describe("agreement with a naive reference", () => {
  test("random table of 5,000 rows: counts, order, states and distinct values match", () => {
    let seed = 42;
    const rnd = (n: number): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return (seed >>> 8) % n;
    };
    const procs: FixtureProc[] = [];
    for (let pid = 10; pid < 5010; pid++) {
      procs.push({
        pid,
        comm: `n${rnd(40) * rnd(3)}`,
        state: "RSDTZ"[rnd(5)],
        sid: 10 + rnd(30),
        pgrp: 10 + rnd(300),
        uid: 1000 + rnd(4),
        starttime: 1000 + rnd(100000),
        threads: 1 + rnd(3),
        flags: rnd(50) === 0 ? PF_KTHREAD : 0,
      });
    }
    const t = fixtureTable(procs);
    const ref = reference(procs);
    expect(ref.length).toBeGreaterThan(FEW_GROUPS);
    expect(asReference(sum(t, "name"))).toEqual(ref);
    expect(asReference(sum(t, "name", { detail: FEW_GROUPS }))).toEqual(ref.slice(0, FEW_GROUPS));
  });

  test("long runs (a bomb in PID order) take the block path and still match, on both paths", () => {
    // Runs of 256+ rows that are uniform in some columns and vary in others, with
    // stray rows breaking blocks, kernel threads inside a run, and a name that comes back later.
    const procs: FixtureProc[] = [];
    let pid = 1;
    const add = (n: number, f: (k: number) => Partial<FixtureProc>): void => {
      for (let k = 0; k < n; k++, pid++) procs.push({ pid, comm: "bomb", sid: 7, pgrp: 7, uid: 1001, state: "S", starttime: 5000 + pid, ...f(k) });
    };
    add(1000, () => ({})); // uniform: whole blocks at once
    add(700, (k) => ({ state: k % 3 === 0 ? "R" : "S", threads: 1 + (k % 2) })); // states and threads vary
    add(600, (k) => ({ comm: "setsid", sid: 10_000 + k, pgrp: 20_000 + k, uid: 1001 + (k % 2) })); // sessions/groups vary per row
    // A stray row, then starttime falling to the oldest of all in the middle of a whole block, and rising again.
    add(600, (k) => ({ comm: k === 0 ? "stray" : "bomb", starttime: 400 + Math.abs(k - 300) }));
    add(512, (k) => ({ comm: "kworker", flags: k < 256 ? PF_KTHREAD : 0 })); // kernel threads, then ordinary ones of the same name
    add(300, (k) => ({ pgrp: 9_000_000 + (k % 4) })); // process groups beyond the dense range
    const t = fixtureTable(procs);
    const ref = reference(procs);
    expect(asReference(sum(t, "name"))).toEqual(ref);
    expect(asReference(sum(t, "name", { detail: FEW_GROUPS }))).toEqual(ref);
    // A selection goes row by row; it must agree too.
    const all = Int32Array.from({ length: t.count }, (_, i) => i);
    expect(asReference(sum(t, "name", { detail: FEW_GROUPS, rows: all }))).toEqual(ref);
  });

  test("the one-pass path (a screenful of groups) and the sorted path (any number) agree for every key", () => {
    let seed = 7;
    const rnd = (n: number): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return (seed >>> 8) % n;
    };
    const procs: FixtureProc[] = Array.from({ length: 3000 }, (_, k) => ({
      pid: 2 + k * 3,
      comm: `p${rnd(60)}`,
      state: "RSDT"[rnd(4)],
      sid: rnd(50),
      pgrp: rnd(2) === 0 ? rnd(100) : 9_000_000 + rnd(5), // some beyond the dense range
      uid: rnd(40),
      starttime: rnd(1e6),
      threads: 1 + rnd(2),
    }));
    const t = fixtureTable(procs);
    for (const by of ["name", "session", "user", "pgrp"] as const) {
      const all = sum(t, by, { detail: 0 });
      const few = sum(t, by, { detail: FEW_GROUPS });
      expect({ by, groups: all.groups.length > FEW_GROUPS }).toEqual({ by, groups: true });
      expect(few.groups).toEqual(all.groups.slice(0, FEW_GROUPS));
      expect(few.rest.processes + few.groups.reduce((a, g) => a + g.count, 0)).toBe(all.processes);
    }
  });

  test("orderGroups: count descending, ties by key", () => {
    expect([...orderGroups(Int32Array.from([2, 0, 5, 2, 1, 5]))]).toEqual([2, 5, 0, 3, 4]);
  });
});

describe("one screen at 30,000 processes", () => {
  // 25,000 bomb copies plus 5,000 processes under 1,250 other names (4 each).
  const procs: FixtureProc[] = [];
  for (let k = 0; k < 30_000; k++) {
    const bomb = k % 6 !== 5;
    procs.push({ pid: 300 + k, comm: bomb ? "rogue.sh" : `svc-${Math.floor(k / 24)}`, uid: bomb ? 1001 : 0, sid: bomb ? 299 : 300 + k, starttime: 1000 + k });
  }
  const t = fixtureTable(procs);
  const env = envFor("/nonexistent");

  for (const height of [24, 10, 50]) {
    test(`fits a ${height}-line terminal, bomb on top, the rest counted`, () => {
      const s = summarize(t, { keys: groupKeys(t, "name", env), detail: (n) => fitGroups(height, n) });
      const lines = summaryLines(s, t, env, { pidMax: 32768, width: 80 });
      expect(lines.length).toBeLessThanOrEqual(height - 2);
      expect(lines[2]).toMatch(/^25,000 rogue\.sh /);
      const more = /^\.\.\. ([\d,]+) more groups \(([\d,]+) processes\)/.exec(lines.at(-1)!);
      expect(more).not.toBeNull();
      const shownCount = s.groups.reduce((a, g) => a + g.count, 0);
      expect(shownCount + Number(more![2]!.replaceAll(",", ""))).toBe(30_000);
      expect(s.groups.length + Number(more![1]!.replaceAll(",", ""))).toBe(1251);
      for (const l of lines) expect(l.length).toBeLessThanOrEqual(80);
    });
  }

  test("fitGroups leaves two lines spare and needs no 'more' line when everything fits", () => {
    expect(fitGroups(24, 5)).toBe(5);
    expect(fitGroups(24, 20)).toBe(20);
    expect(fitGroups(24, 21)).toBe(19);
  });
});
