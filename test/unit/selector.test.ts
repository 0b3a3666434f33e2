import { afterAll, beforeAll, describe as group, expect, test } from "bun:test";
import { PidrescueError } from "../../src/errors.ts";
import { LazyReader } from "../../src/proc/lazy.ts";
import { scanProcs } from "../../src/proc/scanner.ts";
import type { ProcTable } from "../../src/proc/table.ts";
import { ttyNumber } from "../../src/proc/tty.ts";
import { type SelectEnv, compileSelector, describe, lazyFieldsOf, parseSelector, requireMatches, select } from "../../src/select/index.ts";
import { type FixtureProc, makeFixtureTree, removeFixtureTree } from "../helpers/fixture-proc.ts";

const BTIME = 1_700_000_000;
/** 10,000 s after boot: a process with starttime T ticks is 10000 - T/100 s old. */
const NOW_MS = (BTIME + 10_000) * 1000;
const KTHREAD = 0x00200000 | 0x8000;
const PTS0 = ttyNumber("pts/0")!;
const USER_CG = "0::/user.slice/user-1001.slice/session-1.scope\n";

const PROCS: FixtureProc[] = [
  { pid: 1, comm: "systemd", ppid: 0, pgrp: 1, sid: 1, starttime: 100, uid: 0, cgroup: "0::/init.scope\n", exe: "/usr/lib/systemd/systemd", cmdline: ["/sbin/init"] },
  { pid: 2, comm: "kthreadd", ppid: 0, pgrp: 0, sid: 0, flags: KTHREAD, starttime: 100, uid: 0, cmdline: [] },
  { pid: 40, comm: "kworker/0:1-events", ppid: 2, pgrp: 0, sid: 0, state: "I", flags: KTHREAD, starttime: 150, uid: 0, cmdline: [] },
  { pid: 100, comm: "sshd", ppid: 1, pgrp: 100, sid: 100, starttime: 500, uid: 0, cgroup: "0::/system.slice/ssh.service\n", exe: "/usr/sbin/sshd", cmdline: ["sshd: /usr/sbin/sshd -D"] },
  { pid: 200, comm: "bash", ppid: 100, pgrp: 200, sid: 200, ttyNr: PTS0, tpgid: 300, starttime: 900_000, uid: 1001, cgroup: USER_CG, exe: "/usr/bin/bash", cmdline: ["-bash"] },
  { pid: 300, comm: "rogue.sh", state: "R", ppid: 200, pgrp: 300, sid: 200, ttyNr: PTS0, tpgid: 300, starttime: 999_000, uid: 1001, cgroup: USER_CG, exe: "/usr/bin/bash", cmdline: ["/bin/bash", "./rogue.sh", "--fork"] },
  { pid: 301, comm: "rogue.sh", ppid: 300, pgrp: 300, sid: 200, ttyNr: PTS0, tpgid: 300, starttime: 999_500, uid: 1001, cgroup: USER_CG, exe: "/usr/bin/bash" },
  { pid: 302, comm: "rogue.sh", state: "D", ppid: 301, pgrp: 300, sid: 200, ttyNr: PTS0, tpgid: 300, starttime: 999_900, uid: 1001, cgroup: USER_CG, exe: "/usr/bin/bash" },
  { pid: 400, comm: "a b", state: "T", ppid: 1, pgrp: 400, sid: 400, threads: 5, starttime: 700_000, uid: 1002, cgroup: "12:pids:/user.slice/user-1002.slice\n11:freezer:/\n0::/\n", exe: "/opt/a b (deleted)", cmdline: ["a b", "x y"] },
  { pid: 500, comm: "x)y", state: "Z", ppid: 400, pgrp: 400, sid: 400, starttime: 800_000, uid: 1002, cmdline: [] },
  { pid: 600, comm: "java", ppid: 1, pgrp: 600, sid: 600, threads: 200, starttime: 50_000, uid: 0, cgroup: "0::/system.slice/app.service\n", exe: "/usr/bin/java", cmdline: ["java", "-jar", "app.jar"] },
  { pid: 700, comm: Uint8Array.from([0xff, 0x78]), ppid: 1, pgrp: 700, sid: 700, starttime: 60_000, uid: 0, cmdline: ["odd"] },
];

const USERS: Record<string, number> = { root: 0, bob: 1001, carol: 1002 };
let root = "";
let table: ProcTable;
let env: SelectEnv;

beforeAll(() => {
  root = makeFixtureTree(PROCS, { btime: BTIME });
  table = scanProcs({ procRoot: root });
  env = { lazy: new LazyReader(root), bootTime: BTIME, nowMs: NOW_MS, userUid: (n) => USERS[n] };
});

afterAll(() => removeFixtureTree(root));

function pidsOf(text: string): number[] {
  const rows = select(table, parseSelector(text), env);
  return Array.from(rows, (r) => table.pid[r]!);
}

const ROGUES = [300, 301, 302];
const BOB = [200, 300, 301, 302];

const VALID: [string, number[]][] = [
  ["name=rogue.sh", ROGUES],
  ["comm=rogue.sh", ROGUES],
  ["name=rogue*", ROGUES],
  ["name=rogue.s?", ROGUES],
  ["name=[rx]*", [...ROGUES, 500]],
  ["name=[!r]*", [1, 2, 40, 100, 200, 400, 500, 600, 700]],
  ["name='rogue*'", []],
  ["name=rogue\\*", []],
  ["name~^rog", ROGUES],
  ["name=~sh$", [...BOB]],
  ["name ~= 'sh$'", [...BOB]],
  ["name=bash,sshd", [100, 200]],
  ["name='a b'", [400]],
  ['name="a b"', [400]],
  ["name='x)y'", [500]],
  ["name=\\xffx", [700]],
  ["name=kworker/0:1-events", [40]],
  ["user=bob", BOB],
  ["user=1002", [400, 500]],
  ["user=root,carol", [1, 2, 40, 100, 400, 500, 600, 700]],
  ["uid>1001", [400, 500]],
  ["uid<=1001 and uid>0", BOB],
  ["pid=1,2,3", [1, 2]],
  ["pid>600", [700]],
  ["ppid=1", [100, 400, 600, 700]],
  ["pgrp=300", ROGUES],
  ["pgid=300", ROGUES],
  ["sid=200", BOB],
  ["session=400", [400, 500]],
  ["tty=pts/0", BOB],
  ["tty=/dev/pts/0", BOB],
  ["tty=?", [1, 2, 40, 100, 400, 500, 600, 700]],
  ["state=R", [300]],
  ["state=DZ", [302, 500]],
  ["state=T,Z", [400, 500]],
  ["state=I", [40]],
  ["tree=200", BOB],
  ["tree=301", [301, 302]],
  ["tree=400,300", [...ROGUES, 400, 500]],
  ["tree=2", [2, 40]],
  ["tree=999", []],
  ["cgroup=/user.slice", [...BOB, 400]],
  ["cgroup=/user.slice/user-1001.slice", BOB],
  ["cgroup=/user.slice/", [...BOB, 400]],
  ["cgroup=/user", []],
  ["cgroup=/system.slice", [100, 600]],
  ["cgroup~app", [600]],
  ["exe=/usr/bin/bash", BOB],
  ["exe=*sshd", [100]],
  ["exe='/opt/a b'", [400]],
  ["exe~deleted", [400]],
  ["cmd~=--fork", [300]],
  ["cmd='a b x y'", [400]],
  ["cmd=java*", [600]],
  ["cmd~^-", [200]],
  ["age<30s", ROGUES],
  ["age<=5s", [301, 302]],
  ["age>2h", [1, 2, 40, 100, 600, 700]],
  ["age>1h30m and age<9999", [40, 100, 600, 700]],
  ["age<1000", ROGUES],
  ["threads>1", [400, 600]],
  ["threads>=200", [600]],
  ["threads=5", [400]],
  ["nlwp<2 and name=java", []],
  ["name=rogue.sh and state=R", [300]],
  ["name=rogue.sh state=R", [300]],
  ["name=rogue.sh && state=R", [300]],
  ["name=rogue.sh and not state=R", [301, 302]],
  ["!state=R name=rogue.sh", [301, 302]],
  ["name=rogue.sh state!=R", [301, 302]],
  ["name=java or name=sshd", [100, 600]],
  ["name=java || name=sshd", [100, 600]],
  ["(name=java or name=sshd) and uid=0", [100, 600]],
  ["name=java or name=sshd and uid=1001", [600]],
  ["not (name=java or name=sshd) and uid=0", [1, 2, 40, 700]],
  ["not not name=java", [600]],
  ["name!=rogue.sh and user=bob", [200]],
  ["cmd!~fork and name=rogue.sh", [301, 302]],
  ["NAME=java OR NAME=sshd", [100, 600]],
  ["(((pid=1)))", [1]],
  ["pid>0", [1, 2, 40, 100, 200, 300, 301, 302, 400, 500, 600, 700]],
];

group("selector: valid cases over a fixture table", () => {
  test("a streamed scan (opendir, for huge tables) gives the same table", () => {
    const s = scanProcs({ procRoot: root, stream: true });
    expect(s.count).toBe(table.count);
    for (let i = 0; i < s.count; i++) {
      expect([s.pid[i], s.ppid[i], s.uid[i], s.name(i), s.starttime[i], s.threads[i]]).toEqual([table.pid[i], table.ppid[i], table.uid[i], table.name(i), table.starttime[i], table.threads[i]]);
    }
  });

  test("the fixture tree scanned as written", () => {
    expect(table.count).toBe(PROCS.length);
    expect(table.info?.malformed).toBe(0);
    const r = table.indexOf(400);
    expect(table.name(r)).toBe("a b");
    expect(table.uid[r]).toBe(1002);
    expect(table.threads[r]).toBe(5);
    expect(table.name(table.indexOf(700))).toBe("\\xffx");
    expect(table.isKernelThread(table.indexOf(40))).toBe(true);
    expect(table.isKernelThread(table.indexOf(300))).toBe(false);
  });

  for (const [text, want] of VALID) {
    test(`${text} -> ${want.join(",") || "nothing"}`, () => {
      expect(pidsOf(text)).toEqual([...want].sort((a, b) => a - b));
    });
  }

  test("describe() is normalised and parses back to the same selection", () => {
    for (const [text, want] of VALID) {
      const d = describe(parseSelector(text));
      expect(describe(parseSelector(d))).toBe(d);
      expect(pidsOf(d)).toEqual([...want].sort((a, b) => a - b));
    }
    expect(describe(parseSelector("comm=a  pgid=3 || !(sid=4 or tty=?)"))).toBe("name=a and pgrp=3 or not (sid=4 or tty=?)");
  });
});

const INVALID: string[] = [
  "",
  "   ",
  "name",
  "rogue.sh",
  "nmae=x",
  "name=",
  "name= ",
  "(name=x",
  "name=x)",
  "()",
  "pid=abc",
  "pid=-1",
  "pid=1,,2",
  "pid=99999999999",
  "age<5q",
  "age=5m",
  "age<",
  "state=Q",
  "state=",
  "tty=pts/x",
  "name~(",
  "cmd~=[",
  "and",
  "or name=x",
  "name=x or",
  "name=x and",
  "not",
  "uid~x",
  "name<x",
  "name='abc",
  'name="abc',
  "name=[abc",
  "name=x && || name=y",
  "=x",
  "name=x ) (",
  "name=x)y",
  "threads>1,2",
];

group("selector: invalid ones are BAD_SELECTOR, never match-all", () => {
  for (const text of INVALID) {
    test(JSON.stringify(text), () => {
      let err: unknown;
      try {
        pidsOf(text);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(PidrescueError);
      expect((err as PidrescueError).code).toBe("BAD_SELECTOR");
      expect((err as PidrescueError).message).not.toContain("\n");
    });
  }

  test("unknown user is an error at compile time", () => {
    expect(() => compileSelector(parseSelector("user=nosuchuser"), table, env)).toThrow(PidrescueError);
  });

  test("messages say where and what", () => {
    const msg = (t: string): string => {
      try {
        parseSelector(t);
      } catch (e) {
        return (e as Error).message;
      }
      return "";
    };
    expect(msg("nmae=x")).toContain('did you mean "name"');
    expect(msg("name=rogue and pid=x")).toContain("column 20");
    expect(msg("(name=x")).toContain('")"');
  });

  test("age without a boot time is an error, not a guess", () => {
    expect(() => compileSelector(parseSelector("age<5m"), table, { ...env, bootTime: undefined })).toThrow(PidrescueError);
  });
});

group("selector: lazy fields", () => {
  test("lazyFieldsOf lists the files a selector reads", () => {
    expect([...lazyFieldsOf(parseSelector("name=x"))]).toEqual([]);
    expect([...lazyFieldsOf(parseSelector("name=x or (cmd~=y and not exe=/z)"))].sort()).toEqual(["cmdline", "exe"]);
    expect([...lazyFieldsOf(parseSelector("cgroup=/a"))]).toEqual(["cgroup"]);
  });

  test("lazy terms are read only for rows the cheap terms leave open", () => {
    let reads = 0;
    const counting = new (class extends LazyReader {
      override cmdline(pid: number, st: number): string | undefined {
        reads++;
        return super.cmdline(pid, st);
      }
    })(root);
    const e = { ...env, lazy: counting };
    expect(Array.from(select(table, parseSelector("cmd~=fork and name=rogue.sh"), e), (r) => table.pid[r])).toEqual([300]);
    expect(reads).toBe(3);
    reads = 0;
    select(table, parseSelector("name=rogue.sh or cmd~=jar"), e);
    expect(reads).toBe(PROCS.length - 3);
  });

  test("requireMatches turns an empty selection into NOTHING_MATCHED", () => {
    const sel = parseSelector("name=nothing-like-this");
    expect(() => requireMatches(select(table, sel, env), sel)).toThrow("no process matches name=nothing-like-this");
  });
});
