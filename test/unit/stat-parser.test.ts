import { describe, expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { commBytesFromDisplay, commDisplay } from "../../src/proc/comm.ts";
import { PF_KTHREAD, StatParser, newSink, parseStat } from "../../src/proc/stat.ts";
import { ProcTable } from "../../src/proc/table.ts";
import { type FixtureProc, statLine } from "../helpers/fixture-proc.ts";

const FIXTURES = join(import.meta.dir, "../fixtures/stat");

/** Reference: the obvious split, independent of the parser under test. */
function reference(b: Uint8Array) {
  const s = Buffer.from(b).toString("latin1");
  if (!s.endsWith("\n")) return null;
  const lp = s.indexOf(" (");
  const rp = s.lastIndexOf(")");
  if (lp < 1 || rp < lp) return null;
  const f = s.slice(rp + 2, -1).split(" ");
  if (f.length < 20) return null;
  return {
    pid: Number(s.slice(0, lp)),
    comm: Buffer.from(s.slice(lp + 2, rp), "latin1"),
    state: f[0] ?? "",
    ppid: Number(f[1]),
    pgrp: Number(f[2]),
    session: Number(f[3]),
    ttyNr: Number(f[4]),
    tpgid: Number(f[5]),
    flags: Number(f[6]),
    numThreads: Number(f[17]),
    starttime: Number(f[19]),
  };
}

function expectLikeReference(b: Uint8Array): void {
  const want = reference(b);
  const got = parseStat(b);
  expect(want).not.toBeNull();
  expect(got).not.toBeNull();
  if (got === null || want === null) return;
  const { comm, ...rest } = want;
  expect(Buffer.from(got.commBytes)).toEqual(comm);
  expect({ pid: got.pid, state: got.state, ppid: got.ppid, pgrp: got.pgrp, session: got.session, ttyNr: got.ttyNr, tpgid: got.tpgid, flags: got.flags, numThreads: got.numThreads, starttime: got.starttime }).toEqual(rest);
}

describe("saved real stat lines", () => {
  const files = readdirSync(FIXTURES).filter((f) => f.endsWith(".stat"));

  test("there are saved lines to test", () => {
    expect(files.length).toBeGreaterThanOrEqual(8);
  });

  for (const f of files) {
    test(`${f} parses like the reference split`, () => {
      expectLikeReference(readFileSync(join(FIXTURES, f)));
    });
    test(`${f}: every truncation is rejected`, () => {
      const b = readFileSync(join(FIXTURES, f));
      for (let n = 0; n < b.length; n++) expect(parseStat(b.subarray(0, n))).toBeNull();
    });
  }

  test("known values", () => {
    const hostile = parseStat(readFileSync(join(FIXTURES, "hostile-paren.stat")))!;
    expect(hostile.comm).toBe(") S 1 (x");
    expect(hostile.state).toBe("S");
    expect(hostile.ppid).toBe(27983);
    const nl = parseStat(readFileSync(join(FIXTURES, "newline-nonutf8.stat")))!;
    expect(Array.from(nl.commBytes)).toEqual([0x61, 0x0a, 0x62, 0xff, 0x20, 0xc3, 0xa9]);
    expect(nl.comm).toBe("a\\x0ab\\xff é");
    expect(parseStat(readFileSync(join(FIXTURES, "space.stat")))!.comm).toBe(" ");
    expect(parseStat(readFileSync(join(FIXTURES, "fifteen.stat")))!.comm).toBe("abcdefghipqrstu");
    const kw = parseStat(readFileSync(join(FIXTURES, "kworker.stat")))!;
    expect(kw.comm).toBe("kworker/u8:0-ext4-rsv-conversion");
    expect(kw.kernelThread).toBe(true);
    const kthreadd = parseStat(readFileSync(join(FIXTURES, "kthreadd.stat")))!;
    expect(kthreadd.flags & PF_KTHREAD).toBe(PF_KTHREAD);
    expect(kthreadd.ppid).toBe(0);
    expect(parseStat(readFileSync(join(FIXTURES, "cat.stat")))!.kernelThread).toBe(false);
    expect(parseStat(readFileSync(join(FIXTURES, "zombie.stat")))!.state).toBe("Z");
    expect(parseStat(readFileSync(join(FIXTURES, "stopped.stat")))!.state).toBe("T");
    expect(parseStat(readFileSync(join(FIXTURES, "init.stat")))!.numThreads).toBe(13);
  });
});

describe("hostile names", () => {
  const names: (string | number[])[] = ["", " ", "(", ")", "))", ") S 1 (", ") S 1 2 3 4 5 (", "a b c", "\n", "x\ny\n", "abcdefghijklmno", "é", [0xff, 0xfe, 0x80], [0xc3], "\\x41", "12 (x) R", "kworker/u8:0-events_unbound_long_name"];
  for (const n of names) {
    test(`comm ${JSON.stringify(n)}`, () => {
      const bytes = typeof n === "string" ? Buffer.from(n, "utf8") : Buffer.from(n);
      const line = statLine({ pid: 4190001, comm: bytes, ppid: 4189000, tpgid: 4190001 });
      const p = parseStat(line)!;
      expect(p).not.toBeNull();
      expect(Buffer.from(p.commBytes)).toEqual(bytes);
      expect(p.pid).toBe(4190001);
      expect(p.ppid).toBe(4189000);
      expect(p.starttime).toBe(4283612);
      expect(Buffer.from(commBytesFromDisplay(p.comm))).toEqual(bytes);
      for (let k = 0; k < line.length; k++) expect(parseStat(line.subarray(0, k))).toBeNull();
    });
  }

  test("display escapes are lossless and never contain raw control bytes", () => {
    const b = Buffer.from([0x5c, 0x07, 0x1b, 0x7f, 0xe2, 0x80, 0xae, 0x41]);
    const d = commDisplay(b, 0, b.length);
    expect(d).toBe("\\\\\\x07\\x1b\\x7f\\xe2\\x80\\xaeA");
    expect(Buffer.from(commBytesFromDisplay(d))).toEqual(b);
  });

  test("lines that are not stat lines give null", () => {
    for (const s of ["", "\n", "abc\n", "12 x) S 1\n", "12 (x) S\n", "12 (x) S 1 2 3 4 5 6\n", "(x) S 1 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 5 0\n"]) {
      expect(parseStat(Buffer.from(s))).toBeNull();
    }
  });
});

/** Deterministic PRNG (mulberry32) so a failure can be replayed. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ALPHABET = [0x29, 0x28, 0x20, 0x0a, 0x53, 0x31, 0x30, 0x2d, 0x80, 0xff, 0xc3, 0xa9, 0x5c, 0x61, 0x7a, 0x2f, 0x3a];

function randomProc(r: () => number): FixtureProc {
  const int = (max: number): number => Math.floor(r() * max);
  const len = r() < 0.1 ? int(64) : int(16);
  const comm = Uint8Array.from({ length: len }, () => (r() < 0.5 ? ALPHABET[int(ALPHABET.length)]! : 1 + int(255)));
  const pid = 1 + int(4_194_304);
  return {
    pid,
    comm,
    state: "RSDZTtIX"[int(8)]!,
    ppid: int(4_194_305),
    pgrp: r() < 0.2 ? 0 : int(4_194_305),
    sid: r() < 0.2 ? 0 : int(4_194_305),
    ttyNr: r() < 0.5 ? 0 : int(1 << 20),
    tpgid: r() < 0.5 ? -1 : int(4_194_305),
    flags: int(4294967296),
    threads: 1 + int(r() < 0.9 ? 4 : 100000),
    starttime: int(r() < 0.5 ? 1e6 : 2 ** 40),
    minflt: int(r() < 0.5 ? 10 : 1e12),
    utime: int(1e6),
  };
}

/**
 * A sequence where lines often share most fields with recent ones (as in a
 * real table) and often return to an earlier look (A B A), to exercise the
 * parser's memory of previous lines.
 */
function randomSequence(seed: number, n: number): Buffer[] {
  const r = rng(seed);
  const out: Buffer[] = [];
  const recent: FixtureProc[] = [randomProc(r), randomProc(r), randomProc(r)];
  let pid = 1000;
  let last = recent[0]!;
  for (let i = 0; i < n; i++) {
    const k = Math.floor(r() * recent.length);
    let p = recent[k]!;
    const other = randomProc(r);
    const x = r();
    if (x < 0.6) p = last;
    else if (x < 0.65) p = other;
    else if (x < 0.7) p = { ...p, ppid: other.ppid };
    else if (x < 0.75) p = { ...p, starttime: (p.starttime ?? 0) + 1 };
    else if (x < 0.8) p = { ...p, minflt: other.minflt };
    else if (x < 0.85) p = { ...p, comm: other.comm };
    else if (x < 0.9) p = { ...p, flags: other.flags, threads: other.threads };
    else if (x < 0.95) p = { ...p, state: other.state, pgrp: other.pgrp };
    if (r() < 0.3) recent[k] = p;
    last = p;
    pid = r() < 0.9 ? pid + 1 : other.pid;
    out.push(statLine({ ...p, pid }));
  }
  return out;
}

describe("look-alike lines", () => {
  test("a field that only grows by a digit is not taken for the remembered one", () => {
    const base: FixtureProc = { pid: 100, comm: "w", ppid: 1, pgrp: 5, sid: 5, ttyNr: 0, tpgid: -1, flags: 4194304, threads: 1, starttime: 700, minflt: 3 };
    const variants: Partial<FixtureProc>[] = [{}, { ppid: 12 }, { pgrp: 51 }, { sid: 52 }, { ttyNr: 3 }, { tpgid: -12 }, { flags: 41943041 }, { minflt: 31 }, { threads: 12 }, { starttime: 7001 }, { comm: "ww" }, { state: "R" }];
    const t = new ProcTable(4);
    const buf = Buffer.alloc(4096);
    const want: ReturnType<typeof reference>[] = [];
    for (let round = 0; round < 3; round++) {
      for (const v of variants) {
        for (const line of [statLine(base), statLine(base), statLine({ ...base, ...v }), statLine({ ...base, ...v })]) {
          line.copy(buf, 0);
          expect(t.appendStat(buf, line.length, 0, -1)).toBeGreaterThanOrEqual(0);
          want.push(reference(line));
        }
      }
    }
    for (let i = 0; i < t.count; i++) {
      const e = want[i]!;
      expect([t.ppid[i], t.pgrp[i], t.sid[i], t.tty[i], t.tpgid[i], t.flags[i], t.threads[i], t.starttime[i], t.name(i), t.stateChar(i)]).toEqual([e.ppid, e.pgrp, e.session, e.ttyNr, e.tpgid, e.flags, e.numThreads, e.starttime, e.comm.toString(), e.state]);
    }
  });
});

describe("a remembered name that is a prefix of the next one", () => {
  test("(a) S ... then (a) S 1 (b) S ...: the longer name is found", () => {
    const names = ["a", "a", "a) S 1 (b", "a", "a) S 1 2 3", "a) S", "a", "a) S 7 8 9 1", "a) R 5 6 7 8", ")", ") S", "a"];
    const t = new ProcTable(4);
    const buf = Buffer.alloc(4096);
    for (let round = 0; round < 4; round++) {
      names.forEach((n, k) => {
        const line = statLine({ pid: 10 + k, comm: n, ppid: 7, pgrp: 8, sid: 9, starttime: 11 });
        line.copy(buf, 0);
        expect(t.appendStat(buf, line.length, 0, 10 + k, String(10 + k).length)).toBeGreaterThanOrEqual(0);
      });
    }
    for (let i = 0; i < t.count; i++) {
      expect([t.name(i), t.ppid[i], t.pgrp[i], t.sid[i], t.starttime[i], t.stateChar(i)]).toEqual([names[i % names.length]!, 7, 8, 9, 11, "S"]);
    }
  });
});

describe("cut lines leave no trace", () => {
  test("X X cut(Y) X X gives X's values at every cut of a different Y, with or without a final newline", () => {
    const x = statLine({ pid: 10, comm: "x", ppid: 2, pgrp: 3, sid: 4, ttyNr: 5, tpgid: 6, flags: 7, threads: 8, starttime: 9, minflt: 1 });
    const y = statLine({ pid: 11, comm: "x", ppid: 92, pgrp: 93, sid: 94, ttyNr: 95, tpgid: 96, flags: 97, threads: 98, starttime: 99, minflt: 91 });
    const buf = Buffer.alloc(4096);
    const t = new ProcTable(4);
    const want: number[][] = [];
    for (let cut = 0; cut < y.length - 1; cut++) {
      const broken = cut % 2 === 0 ? y.subarray(0, cut) : Buffer.concat([y.subarray(0, cut), Buffer.from("\n")]);
      for (const line of [x, x, broken, x, x]) {
        line.copy(buf, 0);
        if (t.appendStat(buf, line.length, 0, -1) < 0) continue;
        // a cut after starttime that ends in a newline is a whole enough line
        const e = reference(line)!;
        want.push([e.ppid, e.pgrp, e.session, e.ttyNr, e.tpgid, e.flags, e.numThreads, e.starttime]);
      }
    }
    expect(want.filter((w) => w[0] === 92).length).toBeLessThan(y.length / 2);
    for (let i = 0; i < t.count; i++) {
      expect([t.ppid[i], t.pgrp[i], t.sid[i], t.tty[i], t.tpgid[i], t.flags[i], t.threads[i], t.starttime[i]]).toEqual(want[i]!);
    }
  });
});

describe("property: parser == reference split", () => {
  test("parseStat on 5,000 random lines", () => {
    const r = rng(1);
    for (let i = 0; i < 5000; i++) expectLikeReference(statLine(randomProc(r)));
  });

  test("StatParser reuses look-alike lines (memo hits happen) and still matches the reference", () => {
    const lines = randomSequence(11, 20000);
    const p = new StatParser();
    const sink = newSink(1);
    const buf = Buffer.alloc(4096);
    let hits = 0;
    let heads = 0;
    for (const line of lines) {
      line.copy(buf, 0);
      expect(p.parseInto(buf, line.length, sink, 0, -1, 0)).toBe(true);
      if (p.segHit) hits++;
      if (p.headHit) heads++;
      const e = reference(line)!;
      const got = [sink.pid[0], sink.ppid[0], sink.pgrp[0], sink.sid[0], sink.tty[0], sink.tpgid[0], sink.flags[0], sink.threads[0], sink.starttime[0], String.fromCharCode(sink.state[0]!)];
      const want = [e.pid, e.ppid, e.pgrp, e.session, e.ttyNr, e.tpgid, e.flags, e.numThreads, e.starttime, e.state];
      if (JSON.stringify(got) !== JSON.stringify(want)) expect(got).toEqual(want);
      expect(Buffer.from(buf.subarray(p.nameStart, p.nameEnd))).toEqual(e.comm);
    }
    expect(hits).toBeGreaterThan(2000);
    expect(heads).toBeGreaterThan(1000);
  });

  test("table path (memo, known and parsed pids) on 20,000 lines with look-alike neighbours and cut lines", () => {
    const lines = randomSequence(7, 20000);
    const r = rng(3);
    const t = new ProcTable(16);
    const buf = Buffer.alloc(4096);
    const expected: NonNullable<ReturnType<typeof reference>>[] = [];
    for (const line of lines) {
      if (r() < 0.05) {
        // a cut line in between, often a look-alike with other values, must leave no trace
        const other = r() < 0.5 ? statLine({ ...randomProc(r), comm: Buffer.from(reference(line)!.comm) }) : statLine(randomProc(r));
        const cut = Math.floor(r() * other.length);
        other.copy(buf, 0, 0, cut);
        expect(t.appendStat(buf, cut, 0, -1)).toBe(-1);
      }
      line.copy(buf, 0);
      const ref = reference(line)!;
      const known = r() < 0.5;
      const row = t.appendStat(buf, line.length, 7, known ? ref.pid : -1, known ? String(ref.pid).length : 0);
      expect(row).toBe(expected.length);
      expected.push(ref);
    }
    expect(t.count).toBe(expected.length);
    for (let i = 0; i < t.count; i++) {
      const e = expected[i]!;
      const got = {
        pid: t.pid[i],
        comm: Buffer.from(t.names.bytes(t.nameId[i]!)),
        state: t.stateChar(i),
        ppid: t.ppid[i],
        pgrp: t.pgrp[i],
        session: t.sid[i],
        ttyNr: t.tty[i],
        tpgid: t.tpgid[i],
        flags: t.flags[i],
        numThreads: t.threads[i],
        starttime: t.starttime[i],
      };
      if (JSON.stringify(got) !== JSON.stringify(e)) expect({ row: i, ...got } as unknown).toEqual({ row: i, ...e });
    }
  });
});
