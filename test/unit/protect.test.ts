import { describe, expect, test } from "bun:test";
import { PF_KTHREAD, ProtectedSet, judgeDaemon, type DaemonVerdict } from "../../src/engine/protect.ts";

describe("judgeDaemon: a name alone never protects", () => {
  const cases: Array<[string, string | undefined, boolean, DaemonVerdict]> = [
    ["sshd", "/usr/sbin/sshd", true, "daemon"],
    ["sshd", "/usr/sbin/sshd", false, "suspicious"], // real binary, but parent is not init or a daemon
    ["sshd", "/tmp/sshd", true, "suspicious"], // a copy outside the system dirs
    ["sshd", "/usr/bin/bash", true, "suspicious"], // a bash renamed with prctl
    ["sshd", undefined, true, "suspicious"], // exe unreadable
    ["sshd-session", "/usr/lib/openssh/sshd-session", true, "daemon"],
    ["systemd", "/usr/lib/systemd/systemd", true, "daemon"],
    ["systemd", "/lib/systemd/systemd (deleted)", true, "daemon"],
    ["agetty", "/sbin/agetty", true, "daemon"],
    ["login", "/bin/login", true, "daemon"],
    ["rogue.sh", "/usr/bin/bash", true, "none"],
    ["bash", "/usr/bin/bash", true, "none"],
  ];
  for (const [comm, exe, trusted, want] of cases) {
    test(`${comm} exe=${exe} parentTrusted=${trusted} -> ${want}`, () => {
      expect(judgeDaemon(comm, exe, trusted)).toBe(want);
    });
  }
});

describe("ProtectedSet", () => {
  const chain = new Map([
    [500, 1000],
    [400, 900],
    [1, 1],
  ]);
  const set = new ProtectedSet(500, 500, chain);
  set.markDaemon(300, 50, "daemon", "sshd");
  set.markDaemon(301, 60, "suspicious", "sshd");
  const p = (pid: number, starttime: number, extra: Partial<{ ppid: number; flags: number }> = {}) => ({
    pid,
    ppid: extra.ppid ?? 1,
    starttime,
    flags: extra.flags ?? 0,
    comm: "x",
  });
  test.each([
    ["self", p(500, 1000), "self"],
    ["ancestor by pid and starttime", p(400, 900), "ancestor"],
    ["a reused ancestor PID is not protected", p(400, 901), undefined],
    ["init", p(1, 1), "init"],
    ["kernel thread flag", p(77, 5, { flags: PF_KTHREAD }), "kernel-thread"],
    ["child of kthreadd", p(78, 5, { ppid: 2 }), "kernel-thread"],
    ["real daemon", p(300, 50), "daemon"],
    ["daemon PID reused", p(300, 51), undefined],
    ["suspicious is not protected", p(301, 60), undefined],
    ["ordinary", p(9999, 5), undefined],
  ] as const)("%s", (_name, facts, want) => {
    expect(set.reason(facts)).toBe(want);
  });
  test("--include-protected lifts only the daemon class", () => {
    expect(set.reason(p(300, 50), true)).toBeUndefined();
    expect(set.reason(p(400, 900), true)).toBe("ancestor");
    expect(set.reason(p(1, 1), true)).toBe("init");
  });
  test("forbidden process groups: <= 1 and our own", () => {
    expect(set.isForbiddenGroup(0)).toBe(true);
    expect(set.isForbiddenGroup(1)).toBe(true);
    expect(set.isForbiddenGroup(500)).toBe(true);
    expect(set.isForbiddenGroup(4242)).toBe(false);
  });
});
