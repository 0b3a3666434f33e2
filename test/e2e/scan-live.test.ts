/**
 * The live /proc scan and the scan of a fixture tree made from the same
 * processes' files agree, for spawned processes with hostile names (set
 * with prctl by bench/bin/named, which says "ready" once named).
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { chownSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { LazyReader } from "../../src/proc/lazy.ts";
import { readStatOne, scanProcs } from "../../src/proc/scanner.ts";
import type { ProcTable } from "../../src/proc/table.ts";
import { parseSelector, select } from "../../src/select/index.ts";

const NAMED = resolve(import.meta.dir, "../../bench/bin/named");
const NAMES: Buffer[] = [
  Buffer.from("pr-scan-plain"),
  Buffer.from(") S 1 (x"),
  Buffer.from("a b"),
  Buffer.from("x\ny)"),
  Buffer.from([0xff, 0xfe, 0x41, 0x5c]),
  Buffer.from("fifteen-bytes-x"),
];

const children: ReturnType<typeof Bun.spawn>[] = [];
const pids: number[] = [];
let root = "";

async function readyPid(p: ReturnType<typeof Bun.spawn>): Promise<number> {
  const reader = (p.stdout as ReadableStream<Uint8Array>).getReader();
  let text = "";
  const deadline = Date.now() + 10_000;
  while (!text.includes("\n")) {
    if (Date.now() > deadline) throw new Error("named: no ready line within 10 s");
    const { value, done } = await reader.read();
    if (done) throw new Error(`named exited before ready: ${text}`);
    text += Buffer.from(value).toString();
  }
  const m = /^ready (\d+)$/m.exec(text);
  if (m === null) throw new Error(`unexpected handshake: ${text}`);
  return Number(m[1]);
}

/** Copy what the scanner and the lazy reader read of a live process into the fixture tree. */
function copyProc(pid: number, dest: string): void {
  const dir = join(dest, String(pid));
  mkdirSync(dir);
  for (const f of ["stat", "status", "cmdline", "cgroup", "loginuid"]) {
    writeFileSync(join(dir, f), readFileSync(`/proc/${pid}/${f}`));
  }
  const st = statSync(`/proc/${pid}`);
  chownSync(join(dir, "stat"), st.uid, st.gid);
  symlinkSync(readlinkSync(`/proc/${pid}/exe`), join(dir, "exe"));
}

beforeAll(async () => {
  if (!existsSync(NAMED)) throw new Error(`${NAMED} missing: run bun scripts/test-setup.ts`);
  for (const name of NAMES) {
    const p = Bun.spawn([NAMED, name.toString("hex"), "120"], { stdout: "pipe", stderr: "inherit" });
    children.push(p);
    pids.push(await readyPid(p));
  }
  // "ready" comes just before pause(): wait until each one sleeps, so both reads see the same state
  for (const pid of pids) {
    const deadline = Date.now() + 10_000;
    while (readStatOne("/proc", pid)?.state !== "S") {
      if (Date.now() > deadline) throw new Error(`named ${pid} did not go to sleep`);
      Bun.sleepSync(5);
    }
  }
  root = mkdtempSync(join(tmpdir(), "pidrescue-live-"));
  copyFileSync("/proc/stat", join(root, "stat"));
  for (const pid of pids) copyProc(pid, root);
});

afterAll(() => {
  for (const p of children) p.kill("SIGKILL");
  if (root !== "") rmSync(root, { recursive: true, force: true });
});

function row(t: ProcTable, pid: number): Record<string, unknown> {
  const i = t.indexOf(pid);
  expect(i).toBeGreaterThanOrEqual(0);
  return {
    pid: t.pid[i],
    ppid: t.ppid[i],
    pgrp: t.pgrp[i],
    sid: t.sid[i],
    tty: t.tty[i],
    tpgid: t.tpgid[i],
    uid: t.uid[i],
    flags: t.flags[i],
    threads: t.threads[i],
    starttime: t.starttime[i],
    state: t.stateChar(i),
    name: t.name(i),
    bytes: Buffer.from(t.names.bytes(t.nameId[i]!)).toString("hex"),
  };
}

test("live scan and fixture-tree scan agree on spawned, named processes", () => {
  const live = scanProcs({ procRoot: "/proc" });
  const fixture = scanProcs({ procRoot: root });
  expect(fixture.count).toBe(pids.length);
  expect(fixture.info?.malformed).toBe(0);
  pids.forEach((pid, k) => {
    const a = row(live, pid);
    expect(row(fixture, pid)).toEqual(a);
    expect(a.bytes).toBe(NAMES[k]!.toString("hex"));
    expect(a.ppid).toBe(process.pid);
    expect(a.state).toBe("S");
    expect(a.threads).toBe(1);
    const one = readStatOne("/proc", pid)!;
    expect(one.starttime).toBe(a.starttime as number);
    expect(one.comm).toBe(a.name as string);
  });
});

test("lazy fields read the same from /proc and from the fixture tree", () => {
  const live = new LazyReader("/proc");
  const fixture = new LazyReader(root);
  const t = scanProcs({ procRoot: root });
  for (const pid of pids) {
    const st = t.starttime[t.indexOf(pid)]!;
    expect(fixture.cmdline(pid, st)).toBe(live.cmdline(pid, st)!);
    expect(fixture.exe(pid, st)).toBe(live.exe(pid, st)!);
    expect(fixture.cgroup(pid, st)).toEqual(live.cgroup(pid, st)!);
    expect(fixture.loginuid(pid, st)).toBe(live.loginuid(pid, st)!);
    expect(live.cmdline(pid, st)).toContain("named");
  }
});

test("the same selectors pick the same processes in both", () => {
  const live = scanProcs({ procRoot: "/proc" });
  const fixture = scanProcs({ procRoot: root });
  const env = (r: string) => ({ lazy: new LazyReader(r), bootTime: 1, nowMs: Date.now(), userUid: () => undefined });
  for (const text of [`ppid=${process.pid} and name='a b'`, `ppid=${process.pid} and name~^pr-`, `ppid=${process.pid} and cmd~=named`, `ppid=${process.pid} and name=\\xff\\xfeA\\\\`, `ppid=${process.pid} and not name=*x*`]) {
    const sel = parseSelector(text);
    const a = Array.from(select(live, sel, env("/proc")), (r) => live.pid[r]);
    const b = Array.from(select(fixture, sel, env(root)), (r) => fixture.pid[r]);
    expect(b).toEqual(a);
    expect(a.length).toBeGreaterThan(0);
  }
});

test("a process that is gone reads as null, not an error", () => {
  expect(readStatOne("/proc", 4_194_304 + 1)).toBeNull();
  expect(readStatOne(root, 1)).toBeNull();
});
