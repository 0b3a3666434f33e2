/**
 * `limits`: the verdict as a table of cases (pure diagnose), then the
 * readers over fixture trees that carry their own mountinfo and a fake
 * cgroup file system: a full pids cgroup on a v1 layout and on a v2
 * layout, RLIMIT_NPROC of a uid, pid_max of the namespace, and nothing full.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { collectLimits, loadavgTasks } from "../../src/limits/collect.ts";
import { parsePidsEvents, parsePidsMax, pathAndAncestors } from "../../src/limits/cgroupfs.ts";
import { type LimitsInput, diagnose, slack } from "../../src/limits/diagnose.ts";
import { limitsJson, limitsLines } from "../../src/limits/text.ts";
import { LazyReader } from "../../src/proc/lazy.ts";
import { scanProcs } from "../../src/proc/scanner.ts";
import { type FixtureProc, limitsText, makeFixtureTree } from "../helpers/fixture-proc.ts";

const none: LimitsInput = { pidMax: undefined, threadsMax: undefined, cgroups: [], nproc: [] };
const rogue = (tasks: number, uid: number | null = 1001) => [{ name: "rogue.sh", uid, tasks }];

interface Case {
  name: string;
  input: LimitsInput;
  sentence: string;
  exhausted: string[];
}

const CASES: Case[] = [
  {
    name: "pid_max of the namespace full",
    input: { ...none, pidMax: { pidMax: 1000, tasks: 999, tasksLow: 299, namespace: "own", top: rogue(985) } },
    sentence: "the PID namespace is at its pid_max: 999 of 1,000 PIDs in use, 985 of them `rogue.sh`",
    exhausted: ["pid_max"],
  },
  {
    name: "pid_max full above the reserved PIDs (after a wrap, PIDs < 300 are not reused)",
    input: { ...none, pidMax: { pidMax: 1000, tasks: 702, tasksLow: 2, namespace: "own", top: rogue(690) } },
    sentence: "the PID namespace is at its pid_max: 702 of 1,000 PIDs in use (PIDs below 300 are not reused after a wrap), 690 of them `rogue.sh`",
    exhausted: ["pid_max"],
  },
  {
    name: "the host's pid_max",
    input: { ...none, pidMax: { pidMax: 32768, tasks: 32767, tasksLow: 200, namespace: "init", top: rogue(32000) } },
    sentence: "the kernel is at its pid_max: 32,767 of 32,768 PIDs in use, 32,000 of them `rogue.sh`",
    exhausted: ["pid_max"],
  },
  {
    name: "a pids cgroup full, its parent unlimited",
    input: {
      ...none,
      pidMax: { pidMax: 4194304, tasks: 11000, tasksLow: 150, namespace: "init", top: rogue(10790) },
      cgroups: [
        { version: 2, path: "/user.slice/user-1001.slice", current: 10813, max: 10813, refused: 5120, top: rogue(10790) },
        { version: 2, path: "/user.slice", current: 10900, max: null, refused: 0, top: rogue(10790) },
      ],
    },
    sentence: "cgroup /user.slice/user-1001.slice is at its pids.max 10,813/10,813, 10,790 of them `rogue.sh` of uid 1001",
    exhausted: ["cgroup /user.slice/user-1001.slice"],
  },
  {
    name: "RLIMIT_NPROC of a uid",
    input: { ...none, nproc: [{ uid: 999, user: "bob", soft: 60, hard: 60, tasks: 60, top: [{ name: "bomb", uid: 999, tasks: 55 }] }] },
    sentence: "uid 999 is at RLIMIT_NPROC 60/60, 55 of them `bomb`",
    exhausted: ["RLIMIT_NPROC of uid 999"],
  },
  {
    name: "root is exempt from RLIMIT_NPROC",
    input: {
      ...none,
      pidMax: { pidMax: 32768, tasks: 3932, tasksLow: 100, namespace: "init", top: rogue(10) },
      nproc: [{ uid: 0, user: "root", soft: 100, hard: 100, tasks: 3000, top: [] }],
    },
    sentence: "no limit is exhausted: nearest is pid_max (3,932 of 32,768 PIDs) at 12%",
    exhausted: [],
  },
  {
    name: "nothing full: the nearest is named with its percentage",
    input: {
      pidMax: { pidMax: 32768, tasks: 400, tasksLow: 100, namespace: "init", top: rogue(10) },
      threadsMax: { threadsMax: 190000, tasks: 400, top: [] },
      cgroups: [{ version: 1, path: "/sandbox", current: 36, max: 300, refused: 0, top: rogue(30) }],
      nproc: [],
    },
    sentence: "no limit is exhausted: nearest is the pids.max of cgroup /sandbox (36/300) at 12%",
    exhausted: [],
  },
  {
    name: "pid_max and a cgroup both full: the namespace is named first",
    input: {
      ...none,
      pidMax: { pidMax: 1000, tasks: 999, tasksLow: 299, namespace: "own", top: rogue(990) },
      cgroups: [{ version: 1, path: "/sb/bomb", current: 990, max: 990, refused: 3, top: rogue(990) }],
    },
    sentence: "the PID namespace is at its pid_max: 999 of 1,000 PIDs in use, 990 of them `rogue.sh`",
    exhausted: ["pid_max", "cgroup /sb/bomb"],
  },
  {
    name: "threads-max",
    input: { ...none, threadsMax: { threadsMax: 5000, tasks: 5000, top: [{ name: "java", uid: 0, tasks: 4900 }] } },
    sentence: "the kernel is at threads-max: 5,000 of 5,000 tasks, 4,900 of them `java`",
    exhausted: ["threads-max"],
  },
  {
    name: "a churning bomb a few slots short of a large cgroup cap still counts as full",
    input: { ...none, cgroups: [{ version: 2, path: "/big", current: 9995, max: 10000, refused: 100, top: rogue(9990) }] },
    sentence: "cgroup /big is at its pids.max 9,995/10,000, 9,990 of them `rogue.sh` of uid 1001",
    exhausted: ["cgroup /big"],
  },
  {
    name: "no limit readable",
    input: none,
    sentence: "no limit is exhausted (no limit could be read)",
    exhausted: [],
  },
];

describe("diagnose: which limit", () => {
  for (const c of CASES) {
    test(c.name, () => {
      const v = diagnose(c.input);
      expect(v.sentence).toBe(c.sentence);
      expect(v.exhausted.map((s) => s.label).sort()).toEqual([...c.exhausted].sort());
    });
  }

  test("slack: none below 1,000, 0.1% above", () => {
    expect([slack(300), slack(999), slack(1000), slack(10813), slack(4194304)]).toEqual([0, 0, 1, 10, 4194]);
  });

  test("parsers", () => {
    expect(parsePidsMax("max\n")).toBeNull();
    expect(parsePidsMax("300\n")).toBe(300);
    expect(parsePidsEvents("max 17\n")).toBe(17);
    expect(parsePidsEvents("max 0\nmax.imposed 3\n")).toBe(0);
    expect(pathAndAncestors("/a/b/c")).toEqual(["/a/b/c", "/a/b", "/a"]);
    expect(pathAndAncestors("/")).toEqual([]);
    expect(loadavgTasks("0.50 0.40 0.30 3/2041 12345\n")).toBe(2041);
    expect(loadavgTasks(undefined)).toBeUndefined();
  });
});

// ---- readers over fixture trees with their own cgroup file system ----

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

interface Layout {
  /** "v1": a pids hierarchy; "v2": a unified hierarchy with pids. */
  version: "v1" | "v2";
  /** cgroup path -> [max ("max" or n), current, refused] */
  cgroups: Record<string, [string, number, number]>;
}

function fixture(procs: FixtureProc[], layout: Layout | undefined, o: { pidMax?: number; nspid?: string } = {}): string {
  const root = makeFixtureTree(procs);
  dirs.push(root);
  const fs = mkdtempSync(join(tmpdir(), "pidrescue-cgfs-"));
  dirs.push(fs);
  mkdirSync(join(root, "self"));
  mkdirSync(join(root, "sys/kernel"), { recursive: true });
  writeFileSync(join(root, "sys/kernel/pid_max"), `${o.pidMax ?? 4194304}\n`);
  writeFileSync(join(root, "sys/kernel/threads-max"), "190000\n");
  writeFileSync(join(root, "loadavg"), `0.1 0.1 0.1 1/${procs.length + 50} 99\n`);
  writeFileSync(join(root, "self/status"), `Name:\tpidrescue\nNSpid:\t${o.nspid ?? "4242"}\n`);
  let mountinfo = `22 1 0:20 / /proc rw - proc proc rw\n`;
  if (layout?.version === "v1") {
    mountinfo += `39 31 0:36 / ${fs}/pids rw,relatime - cgroup cgroup rw,pids\n41 31 0:38 / ${fs}/unified rw - cgroup2 cgroup2 rw\n`;
  } else if (layout?.version === "v2") {
    mountinfo += `31 23 0:28 / ${fs}/unified rw,relatime - cgroup2 cgroup2 rw,nsdelegate\n`;
  }
  writeFileSync(join(root, "self/mountinfo"), mountinfo);
  writeFileSync(join(root, "self/cgroup"), layout?.version === "v1" ? "5:pids:/\n0::/\n" : "0::/\n");
  const base = layout?.version === "v1" ? `${fs}/pids` : `${fs}/unified`;
  mkdirSync(base, { recursive: true });
  for (const [path, [max, current, refused]] of Object.entries(layout?.cgroups ?? {})) {
    const d = base + path;
    mkdirSync(d, { recursive: true });
    writeFileSync(join(d, "pids.max"), `${max}\n`);
    writeFileSync(join(d, "pids.current"), `${current}\n`);
    writeFileSync(join(d, "pids.events"), `max ${refused}\n`);
  }
  return root;
}

function verdictOf(root: string) {
  const t = scanProcs({ procRoot: root });
  const c = collectLimits(t, { procRoot: root, lazy: new LazyReader(root), userName: (u) => `u${u}` });
  return { c, v: diagnose(c.input) };
}

function bomb(n: number, o: { uid: number; cgroup: string; comm?: string; from?: number; limits?: string }): FixtureProc[] {
  return Array.from({ length: n }, (_, k) => ({
    pid: (o.from ?? 1000) + k,
    comm: o.comm ?? "rogue.sh",
    ppid: (o.from ?? 1000) - 1,
    uid: o.uid,
    cgroup: o.cgroup,
    limits: o.limits,
  }));
}

const others: FixtureProc[] = [
  { pid: 1, comm: "init", ppid: 0, cgroup: "5:pids:/\n0::/init.scope\n", limits: limitsText(null) },
  { pid: 50, comm: "sshd", ppid: 1, cgroup: "5:pids:/\n0::/system.slice/ssh.service\n", limits: limitsText(null) },
];

describe("collect + diagnose over fixture trees", () => {
  test("v1: the full pids cgroup of a user slice, found from a member's /proc/<pid>/cgroup", () => {
    const root = fixture(
      [...others, ...bomb(290, { uid: 1001, cgroup: "5:pids:/user.slice/user-1001.slice\n0::/user.slice/user-1001.slice\n", limits: limitsText(5000) })],
      { version: "v1", cgroups: { "/user.slice": ["max", 305, 0], "/user.slice/user-1001.slice": ["300", 300, 17] } },
    );
    const { c, v } = verdictOf(root);
    expect(v.sentence).toBe("cgroup /user.slice/user-1001.slice is at its pids.max 300/300, 290 of them `rogue.sh` of uid 1001");
    expect(c.input.cgroups.map((g) => [g.version, g.path, g.max, g.refused])).toEqual([
      [1, "/user.slice/user-1001.slice", 300, 17],
      [1, "/user.slice", null, 0],
    ]);
    expect(c.hierarchies.map((h) => h.version)).toEqual([1, 2]);
    const text = limitsLines(v, c, 120);
    expect(text[0]).toBe(v.sentence);
    expect(text.join("\n")).toMatch(/cgroup v1 \/user\.slice\/user-1001\.slice +300 +300 +0 +FULL +17 rogue\.sh 290/);
    expect(limitsJson(v, c)).toMatchObject({ verdict: v.sentence, primary: { kind: "cgroup", label: "cgroup /user.slice/user-1001.slice", full: true } });
  });

  test("v2: the same from the unified hierarchy; samples that disagree make it read every member", () => {
    // 5 members with 60 threads each in three sessions: no three of them share a cgroup,
    // so the first/middle/last samples disagree whatever the directory order.
    const scope = ["session-3", "session-4", "session-3", "session-4", "session-5"];
    const procs: FixtureProc[] = [
      ...others,
      ...scope.map((sc, k): FixtureProc => ({ pid: 1000 + k, comm: "rogue.sh", ppid: 999, uid: 1001, threads: 60, cgroup: `0::/user.slice/user-1001.slice/${sc}.scope\n` })),
    ];
    const root = fixture(procs, {
      version: "v2",
      cgroups: {
        "/user.slice": ["max", 310, 0],
        "/user.slice/user-1001.slice": ["300", 300, 40],
        "/user.slice/user-1001.slice/session-3.scope": ["max", 120, 0],
        "/user.slice/user-1001.slice/session-4.scope": ["max", 120, 0],
        "/user.slice/user-1001.slice/session-5.scope": ["max", 60, 0],
      },
    });
    const { c, v } = verdictOf(root);
    expect(v.sentence).toBe("cgroup /user.slice/user-1001.slice is at its pids.max 300/300, 300 of them `rogue.sh` of uid 1001");
    expect(c.groups[0]!.cgroups.map((x) => [x.version, x.path, x.tasks]).sort()).toEqual([
      [2, "/user.slice/user-1001.slice/session-3.scope", 120],
      [2, "/user.slice/user-1001.slice/session-4.scope", 120],
      [2, "/user.slice/user-1001.slice/session-5.scope", 60],
    ]);
    expect(c.input.cgroups.find((g) => g.path === "/user.slice/user-1001.slice/session-5.scope")?.top).toEqual([{ name: "rogue.sh", uid: 1001, tasks: 60 }]);
  });

  test("RLIMIT_NPROC: the member's Max processes against its uid's tasks", () => {
    const root = fixture(
      [...others, ...bomb(55, { uid: 999, cgroup: "0::/\n", comm: "bomb", limits: limitsText(60) }), ...bomb(5, { uid: 999, cgroup: "0::/\n", comm: "bash", from: 3000, limits: limitsText(60) })],
      { version: "v2", cgroups: {} },
    );
    const { c, v } = verdictOf(root);
    expect(v.sentence).toBe("uid 999 is at RLIMIT_NPROC 60/60, 55 of them `bomb`");
    expect(c.input.nproc.find((n) => n.uid === 999)).toMatchObject({ soft: 60, hard: 60, tasks: 60 });
  });

  test("pid_max of the namespace (NSpid has two entries)", () => {
    const procs: FixtureProc[] = [
      { pid: 1, comm: "sbinit", ppid: 0 },
      ...Array.from({ length: 998 }, (_, k): FixtureProc => ({ pid: 2 + k, comm: k < 13 ? `x${k}` : "rogue.sh", ppid: 1 })),
    ];
    const root = fixture(procs, undefined, { pidMax: 1000, nspid: "31337\t7" });
    const { v } = verdictOf(root);
    expect(v.sentence).toBe("the PID namespace is at its pid_max: 999 of 1,000 PIDs in use, 985 of them `rogue.sh`");
  });

  test("nothing full", () => {
    const root = fixture([...others, ...bomb(20, { uid: 1001, cgroup: "5:pids:/sb\n0::/\n", limits: limitsText(4000) })], {
      version: "v1",
      cgroups: { "/sb": ["300", 20, 0] },
    });
    const { v } = verdictOf(root);
    expect(v.sentence).toBe("no limit is exhausted: nearest is the pids.max of cgroup /sb (20/300) at 6.7%");
    expect(v.exhausted).toEqual([]);
  });
});
