/**
 * `tree`: the forest (parents, descendant counts), ancestors, same-name
 * fan-outs collapsed, depth cuts counted, matched siblings shown as one
 * tree, long chains shortened, and the text/JSON forms.
 */
import { describe, expect, test } from "bun:test";
import type { ViewEnv } from "../../src/views/env.ts";
import { ancestorsOf, buildForest } from "../../src/views/forest.ts";
import { MAX_CHILDREN, MAX_TREES, treeModel } from "../../src/views/tree-model.ts";
import { treeJson, treeLines } from "../../src/views/tree-text.ts";
import { type FixtureProc, fixtureTable } from "../helpers/fixture-proc.ts";
import { LazyReader } from "../../src/proc/lazy.ts";

const env: ViewEnv = { lazy: new LazyReader("/nonexistent"), bootTime: undefined, nowMs: 0, userName: (u) => (u === 0 ? "root" : `u${u}`) };

/**
 * 1 init -> 10 sshd -> 20 bash -> 30 rogue.sh -> 1,700 rogue.sh (pids 1000..2699),
 * each of the first 300 with one "sleep" child (3000..3299); bash also has 21 vim.
 */
function bombTable() {
  const p: FixtureProc[] = [
    { pid: 1, comm: "init", ppid: 0 },
    { pid: 10, comm: "sshd", ppid: 1 },
    { pid: 20, comm: "bash", ppid: 10, uid: 1001 },
    { pid: 21, comm: "vim", ppid: 20, uid: 1001 },
    { pid: 30, comm: "rogue.sh", ppid: 20, uid: 1001 },
  ];
  for (let k = 0; k < 1700; k++) p.push({ pid: 1000 + k, comm: "rogue.sh", ppid: 30, uid: 1001, state: k < 10 ? "T" : "S" });
  for (let k = 0; k < 300; k++) p.push({ pid: 3000 + k, comm: "sleep", ppid: 1000 + k, uid: 1001 });
  return fixtureTable(p);
}

const rowsOf = (t: ReturnType<typeof fixtureTable>, pids: number[]): Int32Array => Int32Array.from(pids.map((x) => t.indexOf(x)));
const pidsOf = (t: ReturnType<typeof fixtureTable>, rows: number[]): number[] => rows.map((r) => t.pid[r]!);

describe("forest", () => {
  test("parents, descendant counts, ancestors", () => {
    const t = bombTable();
    const f = buildForest(t);
    expect(f.descendants[t.indexOf(1)]).toBe(t.count - 1);
    expect(f.descendants[t.indexOf(30)]).toBe(2000);
    expect(f.descendants[t.indexOf(1000)]).toBe(1);
    expect(pidsOf(t, ancestorsOf(f, t.indexOf(3000)))).toEqual([1, 10, 20, 30, 1000]);
    expect(ancestorsOf(f, t.indexOf(1))).toEqual([]);
  });
});

describe("tree view", () => {
  test("tree PID: ancestors from PID 1, the 1,700 same-name children collapsed, cut counted", () => {
    const t = bombTable();
    const m = treeModel(t, buildForest(t), rowsOf(t, [30]), { depth: 3 });
    const lines = treeLines(m, t, env, { query: "pid=30", width: 200 });
    expect(lines).toEqual([
      "1 match for pid=30 (* = match)",
      "1 init S root",
      "`- 10 sshd S root",
      "   `- 20 bash S u1001",
      "      |- *30 rogue.sh S u1001",
      "      |  `- rogue.sh x1,700  (T10 S1,690; pids 1000..2699; 300 descendants)",
      "      `- ... 1 other child",
    ]);
  });

  test("--depth 0 shows only the match and counts its descendants", () => {
    const t = bombTable();
    const m = treeModel(t, buildForest(t), rowsOf(t, [20]), { depth: 0 });
    const lines = treeLines(m, t, env, { query: "pid=20", width: 200 });
    expect(lines.slice(-2)).toEqual(["   `- *20 bash S u1001", "      `- ... 2,002 more descendants"]);
  });

  test("a name selector over the bomb: nested matches counted, one tree, the top match expanded", () => {
    const t = bombTable();
    const rogue = Int32Array.from([...Array(t.count).keys()].filter((r) => t.name(r) === "rogue.sh"));
    const m = treeModel(t, buildForest(t), rogue, { depth: 3 });
    expect(m.matched).toBe(1701);
    expect(m.nested).toBe(1700);
    expect(m.trees).toHaveLength(1);
    expect(m.trees[0]!.matches).toBe(1701);
    const lines = treeLines(m, t, env, { query: "name=rogue.sh", width: 200 });
    expect(lines[0]).toBe("1,701 matches for name=rogue.sh (* = match; 1,700 inside another match's tree)");
    expect(lines).toContain("      |  `- *rogue.sh x1,700  (T10 S1,690; pids 1000..2699; 300 descendants)");
  });

  test("matched siblings under one parent are one tree; the others are counted past MAX_TREES", () => {
    const p: FixtureProc[] = [{ pid: 1, comm: "init", ppid: 0 }];
    // MAX_TREES + 2 parents, parent k has k + 1 "job" children.
    let pid = 100;
    for (let k = 0; k < MAX_TREES + 2; k++) {
      const parent = pid++;
      p.push({ pid: parent, comm: `sh${k}`, ppid: 1 });
      for (let j = 0; j <= k; j++) p.push({ pid: pid++, comm: `job${j}`, ppid: parent });
    }
    const t = fixtureTable(p);
    const jobs = Int32Array.from([...Array(t.count).keys()].filter((r) => t.name(r).startsWith("job")));
    const m = treeModel(t, buildForest(t), jobs, { depth: 3 });
    expect(m.trees).toHaveLength(MAX_TREES);
    // biggest clusters first
    expect(m.trees.map((x) => x.matches)).toEqual([5, 4, 3]);
    expect(m.moreTrees).toBe(2);
    expect(m.moreMatches).toBe(1 + 2);
    expect(treeLines(m, t, env, { query: "name=job*", width: 200 }).at(-1)).toBe("... 3 more matches under 2 other parents not shown");
  });

  test("many different children: at most MAX_CHILDREN entries, the rest counted with their descendants", () => {
    const p: FixtureProc[] = [{ pid: 1, comm: "init", ppid: 0 }];
    for (let k = 0; k < 30; k++) p.push({ pid: 100 + k, comm: `d${k}`, ppid: 1 });
    p.push({ pid: 500, comm: "x", ppid: 129 });
    const t = fixtureTable(p);
    const m = treeModel(t, buildForest(t), rowsOf(t, [1]), { depth: 3 });
    const node = m.trees[0]!.entries[0]!;
    if (!("node" in node)) throw new Error("expected a node");
    expect(node.node.children).toHaveLength(MAX_CHILDREN - 1);
    expect(node.node.cut).toBe(30 - (MAX_CHILDREN - 1) + 1);
    const lines = treeLines(m, t, env, { query: "pid=1", width: 200 });
    expect(lines.at(-1)).toBe(`\`- ... ${30 - (MAX_CHILDREN - 1) + 1} more descendants`);
  });

  test("a long chain of ancestors is shortened, with the count of what is skipped", () => {
    const p: FixtureProc[] = [];
    for (let k = 1; k <= 50; k++) p.push({ pid: k, comm: `c${k}`, ppid: k - 1 });
    const t = fixtureTable(p);
    const m = treeModel(t, buildForest(t), rowsOf(t, [50]), { depth: 3 });
    const lines = treeLines(m, t, env, { query: "pid=50", width: 300 });
    expect(lines[1]).toBe("1 c1 S root");
    expect(lines[3]).toBe("   `- ... 42 more ancestors");
    expect(lines.at(-1)).toContain("*50 c50");
    expect(lines).toHaveLength(1 + 2 + 1 + 4 + 1 + 1);
  });

  test("JSON carries the same structure", () => {
    const t = bombTable();
    const m = treeModel(t, buildForest(t), rowsOf(t, [30]), { depth: 3 });
    const j = treeJson(m, t, env, { query: "pid=30", depth: 3 }) as { trees: Array<Record<string, unknown>> };
    expect(j.trees[0]).toMatchObject({
      ancestors: [{ pid: 1 }, { pid: 10 }],
      parent: { pid: 20, name: "bash" },
      otherChildren: 1,
      entries: [{ pid: 30, match: true, descendants: 2000, children: [{ group: "rogue.sh", count: 1700, matches: 0, descendants: 300 }] }],
    });
  });
});
