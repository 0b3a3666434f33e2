/**
 * Fixture procfs trees for tests (--proc-root): <root>/<pid>/stat, status,
 * cmdline, cgroup, loginuid, an exe symlink, and <root>/stat with btime.
 * The owner uid of a process is the owner of its stat file (the scanner
 * fstat()s it), so fixtures chown that file (needs root for uid != ours).
 */
import { chownSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ProcTable } from "../../src/proc/table.ts";

export interface FixtureProc {
  pid: number;
  /** comm: text (UTF-8) or raw bytes (anything but NUL). */
  comm: string | Uint8Array;
  state?: string;
  ppid?: number;
  pgrp?: number;
  sid?: number;
  ttyNr?: number;
  tpgid?: number;
  flags?: number;
  threads?: number;
  starttime?: number;
  uid?: number;
  /** argv; [] for a kernel thread (empty cmdline). */
  cmdline?: string[];
  /** /proc/<pid>/cgroup text, e.g. "0::/user.slice/x\n". */
  cgroup?: string;
  /** exe symlink target; undefined = no exe link (kernel thread). */
  exe?: string;
  /** Counters in the fields we skip (minflt...), to vary lines. */
  minflt?: number;
  utime?: number;
  /** /proc/<pid>/limits text (see limitsText); undefined = no limits file. */
  limits?: string;
}

/** A stat line as the kernel writes it (52 fields, '\n' at the end). */
export function statLine(p: FixtureProc): Buffer {
  const comm = typeof p.comm === "string" ? Buffer.from(p.comm, "utf8") : Buffer.from(p.comm);
  const head = Buffer.from(`${p.pid} (`, "latin1");
  const f = [
    p.state ?? "S",
    p.ppid ?? 1,
    p.pgrp ?? p.pid,
    p.sid ?? p.pid,
    p.ttyNr ?? 0,
    p.tpgid ?? -1,
    p.flags ?? 4194560,
    p.minflt ?? 103, 0, 0, 0,
    p.utime ?? 0, 0, 0, 0,
    20, 0,
    p.threads ?? 1,
    0,
    p.starttime ?? 4283612,
    3133440, 425, "18446744073709551615", "94152636469248", "94152636489129", "140722898714512", 0, 0, 0, 0, 0, 0, 0, 0, 0, 17, 1, 0, 0, 0, 0, 0,
    "94152636505136", "94152636506752", "94152842035200", "140722898721496", "140722898721516", "140722898721516", "140722898722795", 0,
  ];
  return Buffer.concat([head, comm, Buffer.from(`) ${f.join(" ")}\n`, "latin1")]);
}

/** Make a fixture tree in a new temp directory; returns its path. */
export function makeFixtureTree(procs: readonly FixtureProc[], opts: { btime?: number; root?: string } = {}): string {
  const root = opts.root ?? mkdtempSync(join(tmpdir(), "pidrescue-fixture-"));
  writeFileSync(join(root, "stat"), `cpu  1 2 3 4 5 6 7 8 9 10\nintr 0\nctxt 1\nbtime ${opts.btime ?? 1700000000}\nprocesses 1\n`);
  for (const p of procs) writeFixtureProc(root, p);
  return root;
}

export function writeFixtureProc(root: string, p: FixtureProc): void {
  const dir = join(root, String(p.pid));
  mkdirSync(dir, { recursive: true });
  const stat = join(dir, "stat");
  writeFileSync(stat, statLine(p));
  if (p.uid !== undefined) chownSync(stat, p.uid, p.uid);
  const name = typeof p.comm === "string" ? p.comm : Buffer.from(p.comm).toString("latin1");
  writeFileSync(join(dir, "status"), `Name:\t${name}\nState:\t${p.state ?? "S"}\nTgid:\t${p.pid}\nPid:\t${p.pid}\nPPid:\t${p.ppid ?? 1}\nUid:\t${p.uid ?? 0}\t${p.uid ?? 0}\t${p.uid ?? 0}\t${p.uid ?? 0}\nThreads:\t${p.threads ?? 1}\n`);
  const argv = p.cmdline ?? [name];
  writeFileSync(join(dir, "cmdline"), argv.length === 0 ? "" : argv.join("\0") + "\0");
  writeFileSync(join(dir, "cgroup"), p.cgroup ?? "0::/\n");
  writeFileSync(join(dir, "loginuid"), String(p.uid ?? 4294967295));
  if (p.exe !== undefined) symlinkSync(p.exe, join(dir, "exe"));
  if (p.limits !== undefined) writeFileSync(join(dir, "limits"), p.limits);
}

/** A /proc/<pid>/limits text with "Max processes" soft/hard (null = unlimited). */
export function limitsText(nprocSoft: number | null, nprocHard: number | null = nprocSoft): string {
  const v = (n: number | null): string => (n === null ? "unlimited" : String(n));
  return [
    "Limit                     Soft Limit           Hard Limit           Units     ",
    "Max cpu time              unlimited            unlimited            seconds   ",
    `Max processes             ${v(nprocSoft).padEnd(21)}${v(nprocHard).padEnd(21)}processes `,
    "Max open files            1024                 524288               files     ",
    "",
  ].join("\n");
}

/**
 * An in-memory table of fixture processes, parsed from the same stat lines
 * a fixture tree holds (no files: for tens of thousands of rows). uid
 * defaults to 0.
 */
export function fixtureTable(procs: readonly FixtureProc[]): ProcTable {
  const t = new ProcTable(procs.length);
  const buf = Buffer.alloc(4096);
  for (const p of procs) {
    const line = statLine(p);
    line.copy(buf);
    if (t.appendStat(buf, line.length, p.uid ?? 0, -1) < 0) throw new Error(`fixture stat line of ${p.pid} did not parse`);
  }
  return t;
}

export function removeFixtureTree(root: string): void {
  rmSync(root, { recursive: true, force: true });
}
