/**
 * The views from the compiled binary on the live /proc, with two farms of
 * named idle processes the test starts itself (bench/bin/sleepers: children
 * named by prctl, "ready N" once all exist, PDEATHSIG ties them to the
 * farm's parent, which the test ends in afterAll).
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { type Subprocess, spawn } from "bun";
import { existsSync, readFileSync } from "node:fs";
import { BENCH_BIN, BINARY } from "../helpers/paths.ts";
import { isDeadOrZombie } from "../helpers/procfs.ts";
import { runBinary } from "../helpers/run.ts";

const SLEEPERS = `${BENCH_BIN}/sleepers`;
const tag = String(process.pid % 100000);
const A = { name: `pre2e-a${tag}`, n: 25 };
const B = { name: `pre2e-b${tag}`, n: 7 };
const farms: Array<{ proc: Subprocess<"ignore", "pipe", "inherit">; pid: number; kids: number[] }> = [];

async function startFarm(name: string, n: number): Promise<(typeof farms)[number]> {
  const proc = spawn([SLEEPERS, String(n), "120", name], { stdin: "ignore", stdout: "pipe", stderr: "inherit" });
  const farm = { proc, pid: proc.pid, kids: [] as number[] };
  farms.push(farm);
  const reader = proc.stdout.getReader();
  let text = "";
  const deadline = Date.now() + 20_000;
  while (!text.includes("\n")) {
    const chunk = await Promise.race([reader.read(), Bun.sleep(Math.max(1, deadline - Date.now())).then(() => null)]);
    if (chunk === null || chunk.done) throw new Error(`sleepers ${name} not ready: ${text}`);
    text += new TextDecoder().decode(chunk.value);
  }
  reader.releaseLock();
  expect(text.trim()).toBe(`ready ${n}`);
  farm.kids = readFileSync(`/proc/${proc.pid}/task/${proc.pid}/children`, "utf8").trim().split(/\s+/).map(Number).sort((a, b) => a - b);
  expect(farm.kids).toHaveLength(n);
  // Every child has taken its name (prctl runs right after fork).
  for (const k of farm.kids) expect(readFileSync(`/proc/${k}/comm`, "utf8").trim()).toBe(name);
  return farm;
}

beforeAll(async () => {
  if (!existsSync(BINARY)) throw new Error(`${BINARY} missing: run \`bun scripts/build.ts\` (npm test does)`);
  if (!existsSync(SLEEPERS)) throw new Error(`${SLEEPERS} missing: run \`bun scripts/test-setup.ts\``);
  await startFarm(A.name, A.n);
  await startFarm(B.name, B.n);
}, 60_000);

afterAll(async () => {
  for (const f of farms) {
    f.proc.kill("SIGTERM"); // only the farm we started; its children die with it (PDEATHSIG)
    await Promise.race([f.proc.exited, Bun.sleep(5000)]);
  }
  // The children are gone (or zombies waiting for init) within a few seconds.
  const deadline = Date.now() + 10_000;
  const alive = (): number[] => farms.flatMap((f) => f.kids).filter((k) => !isDeadOrZombie(k));
  while (alive().length > 0 && Date.now() < deadline) await Bun.sleep(50);
  expect(alive()).toEqual([]);
});

const ps = (...args: string[]) => runBinary(["ps", ...args], { env: { LINES: "24", COLUMNS: "100" } });

describe("ps summary", () => {
  test("the farms are groups with the right counts (--limit 0, --json)", () => {
    const r = ps("--json", "--limit", "0");
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout) as { command: string; view: string; groups: Array<{ key: string; count: number; users: string[]; states: Record<string, number> }> };
    expect(j.command).toBe("ps");
    expect(j.view).toBe("summary");
    const a = j.groups.find((g) => g.key === A.name);
    const b = j.groups.find((g) => g.key === B.name);
    expect(a).toMatchObject({ count: A.n, users: ["root"], states: { S: A.n } });
    expect(b).toMatchObject({ count: B.n });
    expect(j.groups.indexOf(a!)).toBeLessThan(j.groups.indexOf(b!));
  });

  test("text: fits 24 lines, the farm's line shows its count", () => {
    const r = ps();
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split("\n");
    expect(lines.length).toBeLessThanOrEqual(22);
    for (const l of lines) expect(l.length).toBeLessThanOrEqual(100);
    expect(lines[0]).toMatch(/^[\d,]+ processes, [\d,]+ tasks, pid_max/);
    const all = ps("--limit", "0").stdout.split("\n");
    expect(all.find((l) => l.includes(` ${A.name} `))).toMatch(new RegExp(`^ +${A.n} ${A.name} +S${A.n} +root +1 +1 `));
  });
});

describe("ps SELECTOR", () => {
  test("rows: one per member, with the farm as parent", () => {
    const r = ps(`name=${A.name}`, "--columns", "pid,ppid,name,state");
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split("\n");
    expect(lines[0]).toMatch(/^ *PID +PPID NAME +S$/);
    const rows = lines.slice(1).map((l) => l.trim().split(/\s+/));
    expect(rows.map((x) => Number(x[0]))).toEqual(farms[0]!.kids);
    for (const x of rows) expect(x.slice(1)).toEqual([String(farms[0]!.pid), A.name, "S"]);
  });

  test("--limit and the line that says how many were left out", () => {
    const r = ps(`name=${A.name}`, "--limit", "5");
    const lines = r.stdout.trimEnd().split("\n");
    expect(lines).toHaveLength(1 + 5 + 1);
    expect(lines.at(-1)).toBe(`... ${A.n - 5} more processes not shown (${A.n} match; --limit 0 shows all)`);
  });

  test("--json rows parse and carry every member", () => {
    const r = ps(`name=${A.name} or name=${B.name}`, "--json");
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout) as { matched: number; leftOut: number; rows: Array<{ pid: number; name: string; cmd: string }> };
    expect(j.matched).toBe(A.n + B.n);
    expect(j.leftOut).toBe(0);
    expect(j.rows.map((x) => x.pid).sort((a, b) => a - b)).toEqual([...farms[0]!.kids, ...farms[1]!.kids].sort((a, b) => a - b));
    expect(j.rows[0]!.cmd).toContain("sleepers");
  });

  test("tree of the farm collapses its children", () => {
    const r = runBinary(["tree", String(farms[0]!.pid)], { env: { COLUMNS: "200" } });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`${A.name} x${A.n}  (S${A.n}; pids ${farms[0]!.kids[0]}..${farms[0]!.kids.at(-1)})`);
    expect(r.stdout).toContain(`*${farms[0]!.pid} sleepers S root`);
  });

  test("limits answers with one sentence first, and JSON", () => {
    const r = runBinary(["limits"]);
    expect(r.code).toBe(0);
    expect(r.stdout.split("\n")[0]).toMatch(/^(no limit is exhausted: nearest is .+ at [\d.]+%|.+ is at .+)$/);
    const j = JSON.parse(runBinary(["limits", "--json"]).stdout) as { verdict: string; limits: Array<{ kind: string }> };
    expect(j.verdict).toBe(r.stdout.split("\n")[0]!);
    expect(j.limits.map((l) => l.kind)).toContain("pid_max");
  });
});

describe("errors", () => {
  test("an empty selection: exit 1, a clear message, nothing on stdout", () => {
    const r = ps(`name=${A.name}-none`);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain(`no process matches name=${A.name}-none`);
  });

  test("a selector that does not parse: exit 2, one error line", () => {
    const r = ps("name=x and");
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr.split("\n").filter((l) => l.startsWith("error:"))).toHaveLength(1);
  });

  test("an unknown column: exit 2 with a suggestion, before any scan; JSON error envelope", () => {
    const r = ps(`name=${A.name}`, "--columns", "pid,nmae");
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("unknown column 'nmae' (did you mean 'name'?)");
    const j = ps(`name=${A.name}`, "--columns", "pid,nmae", "--json");
    expect(j.code).toBe(2);
    expect(JSON.parse(j.stdout)).toMatchObject({ command: "ps", error: { code: "USAGE", exit: 2 } });
  });

  test("--list names every column; bad --by and --limit are usage errors", () => {
    const l = ps("--list");
    expect(l.code).toBe(0);
    expect(l.stdout).toMatch(/^pid +process id$/m);
    expect(ps("--by", "colour").code).toBe(2);
    expect(ps("--limit", "-3").code).toBe(2);
  });
});
