#!/usr/bin/env bun
/**
 * Scale benchmark: 4,194,304 synthetic processes (every PID up to the
 * kernel's limit) from an in-memory source through the scanner's parser
 * and table, a count-by-name summary and a selector query. Run it as the
 * binary runs (JIT off): bench-scan.ts does; by hand:
 *
 *   BUN_JSC_useJIT=0 BUN_JSC_useConcurrentGC=0 BUN_JSC_numberOfGCMarkers=1 \
 *     bun scripts/bench-scale.ts [--n 4194304] [--shape tree|farm|both]
 *
 * The source writes stat lines the way the kernel would for a fork bomb of
 * "rogue.sh" under 300 ordinary processes, into one reused buffer, changing
 * only the digits that change from one PID to the next (its own cost is
 * measured apart). Shapes: "farm", every bomb process a child of one parent
 * (a `while :; do x & done` loop); "tree", a binary tree of forks (:|:&),
 * so the parent differs on every other line.
 */
import { ProcTable } from "../src/proc/table.ts";
import { parseSelector, select } from "../src/select/index.ts";
import { statLine } from "../test/helpers/fixture-proc.ts";
import { peakRssMb, readThreadCount } from "./lib/self-threads.ts";

const argv = process.argv.slice(2);
const opt = (f: string): string | undefined => {
  const i = argv.indexOf(f);
  return i >= 0 ? argv[i + 1] : undefined;
};
const N = Number(opt("--n") ?? 4_194_304);
const SHAPES = (opt("--shape") ?? "both") === "both" ? ["farm", "tree"] : [opt("--shape")!];
const SYSTEM = 300;
const SYSTEM_NAMES = ["systemd", "kthreadd", "kworker/0:1-events", "kworker/u8:3-flush-254:0", "sshd", "bash", "cron", "rsyslogd", "dbus-daemon", "agetty", "java", "nginx: worker process"];

/** In-memory /proc: line(pid) leaves the stat line of `pid` in buf and returns its length. */
class Source {
  readonly buf = Buffer.alloc(4096);
  private len = 0;
  private pidEnd = 0;
  private ppidEnd = 0;
  private startEnd = 0;
  private ppid = 0;
  private start = 0;

  constructor(private readonly shape: string) {}

  uid(pid: number): number {
    return pid <= SYSTEM ? 0 : 1001;
  }

  ppidOf(pid: number): number {
    return this.shape === "farm" ? SYSTEM + 1 : pid <= SYSTEM + 1 ? 1 : SYSTEM + 1 + ((pid - SYSTEM - 1) >> 1);
  }

  line(pid: number): number {
    if (pid <= SYSTEM) return this.copy(statLine(systemProc(pid)));
    const ppid = this.ppidOf(pid);
    const start = 500_000 + Math.floor((pid - SYSTEM) / 37);
    if (pid === SYSTEM + 1 || !this.bump(this.pidEnd) || (ppid !== this.ppid && (ppid !== this.ppid + 1 || !this.bump(this.ppidEnd))) || (start !== this.start && !this.bump(this.startEnd))) {
      this.rebuild(pid, ppid, start);
    }
    this.ppid = ppid;
    this.start = start;
    return this.len;
  }

  /** Add one to the decimal number ending at buf[end]; false if it needs one more digit. */
  private bump(end: number): boolean {
    const b = this.buf;
    let i = end;
    while (b[i] === 57) b[i--] = 48;
    if (b[i] === 32 || i < 0) return false;
    b[i]!++;
    return true;
  }

  private rebuild(pid: number, ppid: number, start: number): void {
    const line = statLine({ pid, comm: "rogue.sh", state: "S", ppid, pgrp: SYSTEM + 1, sid: 250, ttyNr: 34817, tpgid: SYSTEM + 1, flags: 4194560, minflt: 312, threads: 1, starttime: start });
    this.copy(line);
    const s = line.toString("latin1");
    this.pidEnd = s.indexOf(" ") - 1;
    this.ppidEnd = s.indexOf(" ", s.lastIndexOf(")") + 4) - 1;
    this.startEnd = s.indexOf(` ${start} `) + String(start).length;
  }

  private copy(line: Buffer): number {
    line.copy(this.buf, 0);
    this.len = line.length;
    return this.len;
  }
}

function systemProc(pid: number): Parameters<typeof statLine>[0] {
  const name = SYSTEM_NAMES[pid % SYSTEM_NAMES.length]!;
  const kernel = name.startsWith("k");
  return { pid, comm: name, state: pid % 7 === 0 ? "R" : "S", ppid: kernel ? 2 : 1, pgrp: pid, sid: pid, flags: kernel ? 0x208040 : 4194560, minflt: pid * 13, utime: pid * 7, threads: 1 + (pid % 5), starttime: 100 + pid * 3 };
}

/** Wall and CPU (user + system) time since a mark: CPU is what a busy machine disturbs least. */
class Clock {
  private t = performance.now();
  private c = process.cpuUsage();
  lap(): { wall: number; cpu: number } {
    const wall = performance.now() - this.t;
    const d = process.cpuUsage(this.c);
    this.t = performance.now();
    this.c = process.cpuUsage();
    return { wall, cpu: (d.user + d.system) / 1000 };
  }
}

const fmt = (x: { wall: number; cpu: number }): string => `${(x.cpu / 1000).toFixed(2)} s CPU (${(x.wall / 1000).toFixed(2)} s wall)`;
const sub = (a: { wall: number; cpu: number }, b: { wall: number; cpu: number }) => ({ wall: a.wall - b.wall, cpu: a.cpu - b.cpu });
const add = (a: { wall: number; cpu: number }, b: { wall: number; cpu: number }) => ({ wall: a.wall + b.wall, cpu: a.cpu + b.cpu });

function run(shape: string): void {
  const src = new Source(shape);
  // the source alone, to tell its cost from the parser's
  const clock = new Clock();
  let bytes = 0;
  for (let pid = 1; pid <= N; pid++) bytes += src.line(pid);
  const source = clock.lap();

  const src2 = new Source(shape);
  clock.lap();
  const t = new ProcTable(N);
  const buf = src2.buf;
  let bad = 0;
  for (let pid = 1; pid <= N; pid++) {
    const n = src2.line(pid);
    if (t.appendStat(buf, n, src2.uid(pid), pid, pid < 10 ? 1 : pid < 100 ? 2 : pid < 1000 ? 3 : pid < 10000 ? 4 : pid < 100000 ? 5 : pid < 1000000 ? 6 : 7) < 0) bad++;
  }
  const scan = clock.lap();

  const counts = new Int32Array(t.names.size);
  const nameId = t.nameId;
  for (let i = 0; i < t.count; i++) counts[nameId[i]!]!++;
  let top = 0;
  for (let id = 1; id < counts.length; id++) if (counts[id]! > counts[top]!) top = id;
  const group = clock.lap();

  const queries = ["name=rogue* and state=R", "tree=301 and not uid=1001", "user=1001 and age>1h"];
  const env = { bootTime: Math.floor(Date.now() / 1000) - 86_400, userUid: () => undefined };
  const q: string[] = [];
  for (const text of queries) {
    clock.lap();
    const rows = select(t, parseSelector(text), env);
    q.push(`\`${text}\` ${rows.length} rows in ${fmt(clock.lap())}`);
  }
  const r = t.indexOf(4_194_304);
  const parse = sub(scan, source);
  console.log(`### shape ${shape}: ${t.count} rows (${bad} bad), ${(bytes / 1e6).toFixed(0)} MB of stat lines`);
  console.log(`- source alone: ${fmt(source)}; source + parse + table: ${fmt(scan)}`);
  console.log(`- parser + table alone: ${fmt(parse)}, ${((parse.cpu / N) * 1000).toFixed(2)} µs/process`);
  console.log(`- count by name: ${fmt(group)}; top: ${t.names.text(top)} × ${counts[top]}; ${t.names.size} names; pid 4194304 -> row ${r} (${r >= 0 ? t.name(r) : "-"})`);
  console.log(`- source + parse + table + count by name: ${fmt(add(scan, group))}`);
  for (const line of q) console.log(`- selector ${line}`);
}

console.log(`## Scale: ${N.toLocaleString("en")} synthetic processes (JIT ${process.env.BUN_JSC_useJIT === "0" ? "off, as the binary runs" : "ON: not the binary's mode"})`);
for (const shape of SHAPES) run(shape);
console.log(`peak RSS ${peakRssMb().toFixed(0)} MB, ${readThreadCount()} thread(s)`);
