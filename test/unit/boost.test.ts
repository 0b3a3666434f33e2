/**
 * The priority decisions, pure: when chrt -f 10 is safe (a refused chrt would
 * end the admin's session), which command lines boost before the
 * application is loaded, which REPL lines re-boost, and the session carried
 * across the REPL's own re-execs.
 */
import { describe, expect, test } from "bun:test";
import { newSession } from "../../src/cli/context.ts";
import { isSignallingLine } from "../../src/repl/priority.ts";
import { MAX_RESUME_BYTES, decodeResume, encodeResume, restoreSession } from "../../src/repl/resume.ts";
import { isBoostedCommandLine } from "../../src/system/boost-argv.ts";
import { type BoostFacts, configFlag, isInitUserNs } from "../../src/system/boost-facts.ts";
import { decideBoost } from "../../src/system/boost.ts";
import { bootTrace } from "../../src/system/boot-env.ts";
import { inheritedNice } from "../../src/system/execshell.ts";

const ROOT: BoostFacts = {
  capSysNice: true,
  initUserNs: true,
  rtprioSoft: 0,
  rtRuntimeUs: 950000,
  cgroupRtRuntimeUs: 950000,
  v2CpuCgroup: undefined,
  rtGroupSched: undefined,
  chrt: "/usr/bin/chrt",
  policy: 0,
};

const reason = (f: Partial<BoostFacts>): string => {
  const d = decideBoost({ ...ROOT, ...f });
  return d.boost ? `boost via ${d.chrt}` : d.reason;
};

describe("decideBoost: chrt only where it cannot be refused", () => {
  test("root on the host: boost", () => {
    expect(reason({})).toBe("boost via /usr/bin/chrt");
  });
  test("an unprivileged user with RLIMIT_RTPRIO >= 10 may", () => {
    expect(reason({ capSysNice: false, rtprioSoft: 10 })).toBe("boost via /usr/bin/chrt");
    expect(reason({ capSysNice: false, rtprioSoft: 9 })).toBe("no CAP_SYS_NICE and RLIMIT_RTPRIO 9 < 10");
  });
  test("CAP_SYS_NICE inside a user namespace does not count", () => {
    expect(reason({ initUserNs: false })).toBe("CAP_SYS_NICE only inside a user namespace and RLIMIT_RTPRIO 0 < 10");
  });
  test("real-time disabled or no RT runtime in the cpu cgroup (v1, also when it looks like the root)", () => {
    expect(reason({ rtRuntimeUs: 0 })).toContain("sched_rt_runtime_us is 0");
    expect(reason({ cgroupRtRuntimeUs: 0 })).toContain("cpu.rt_runtime_us 0");
    expect(reason({ rtRuntimeUs: -1 })).toBe("boost via /usr/bin/chrt");
  });
  test("cgroup v2 with the cpu controller: only when the kernel has no RT group scheduling", () => {
    expect(reason({ cgroupRtRuntimeUs: undefined, v2CpuCgroup: "/user.slice", rtGroupSched: false })).toBe("boost via /usr/bin/chrt");
    expect(reason({ cgroupRtRuntimeUs: undefined, v2CpuCgroup: "/user.slice", rtGroupSched: true })).toContain("RT group scheduling");
    expect(reason({ cgroupRtRuntimeUs: undefined, v2CpuCgroup: "/user.slice", rtGroupSched: undefined })).toContain("unreadable");
  });
  test("no chrt, or already real-time: no hop", () => {
    expect(reason({ chrt: undefined })).toBe("util-linux chrt not found");
    expect(reason({ policy: 1 })).toBe("already real-time");
    expect(reason({ policy: 2 })).toBe("already real-time");
  });
});

describe("facts parsers", () => {
  test("the initial user namespace maps every id onto itself", () => {
    expect(isInitUserNs("         0          0 4294967295\n")).toBe(true);
    expect(isInitUserNs("         0     100000      65536\n")).toBe(false);
    expect(isInitUserNs("0 0 1000\n1000 1000 1\n")).toBe(false);
    expect(isInitUserNs(undefined)).toBe(true);
  });
  test("kernel config flags", () => {
    const cfg = "#\n# Linux config\nCONFIG_CGROUP_SCHED=y\nCONFIG_RT_GROUP_SCHED=y\n# CONFIG_FOO is not set\n";
    expect(configFlag(cfg, "CONFIG_RT_GROUP_SCHED")).toBe(true);
    expect(configFlag(cfg, "CONFIG_FOO")).toBe(false);
    expect(configFlag(cfg, "CONFIG_BAR")).toBeUndefined();
    // A prefix of another option is not that option.
    expect(configFlag("\nCONFIG_RT_GROUP_SCHED_DEFAULT_DISABLED=y\n", "CONFIG_RT_GROUP_SCHED")).toBeUndefined();
  });
  test("the nice handed back to the shell: the recorded one, clamped; 0 when unknown", () => {
    expect(inheritedNice("5")).toBe(5);
    expect(inheritedNice("-3")).toBe(-3);
    expect(inheritedNice("-40")).toBe(-20);
    expect(inheritedNice(undefined)).toBe(0);
    expect(inheritedNice("x")).toBe(0);
    expect(inheritedNice("")).toBe(0);
  });
  test("boot trace appends, bounded", () => {
    expect(bootTrace(undefined, "s1", 5)).toBe("s1=5");
    expect(bootTrace("s1=5", "s2", 7)).toBe("s1=5,s2=7");
    expect(bootTrace("x".repeat(201), "s1", 1)).toBe("s1=1");
  });
});

describe("which command lines boost before the application loads", () => {
  const yes = [
    ["rescue", "name=x", "--yes"],
    ["--journal", "/tmp/j", "rescue", "name=x"],
    ["freeze", "name=x"],
    ["stop", "name=x"],
    ["kill", "name=x"],
    ["thaw", "name=x"],
    ["--rescue", "name=x"],
    ["--rescue=name=x", "-y"],
    [], // the REPL / script mode
    ["--json"],
    ["--proc-root", "rescue"], // the value of a flag is not the command word
  ];
  const no = [
    ["ps"],
    ["doctor"],
    ["help", "rescue"],
    ["rescue", "name=x", "--dry-run"],
    ["rescue", "name=x", "-n"],
    ["rescue", "name=x", "-yn"],
    ["rescue", "name=x", "--no-boost"],
    ["--no-boost"],
    ["--help"],
    ["-V"],
    ["resc", "name=x"], // abbreviations are left to main.ts (one hop later)
    ["--", "rescue"],
    ["--journal", "rescue", "ps"],
  ];
  for (const argv of yes) test(`boost: ${JSON.stringify(argv)}`, () => expect(isBoostedCommandLine(argv)).toBe(true));
  for (const argv of no) test(`no boost: ${JSON.stringify(argv)}`, () => expect(isBoostedCommandLine(argv)).toBe(false));
});

describe("REPL lines that go back to SCHED_FIFO", () => {
  test("signalling commands, also under loop; not views, dry runs, blanks or bad quoting", () => {
    expect(isSignallingLine("rescue name=rogue.sh --yes")).toBe(true);
    expect(isSignallingLine("  freeze 'name=a b'")).toBe(true);
    expect(isSignallingLine("loop until-stable freeze name=x")).toBe(true);
    expect(isSignallingLine("--rescue name=x")).toBe(true);
    expect(isSignallingLine("ps")).toBe(false);
    expect(isSignallingLine("loop 3 ps")).toBe(false);
    expect(isSignallingLine("rescue name=x --dry-run")).toBe(false);
    expect(isSignallingLine("")).toBe(false);
    expect(isSignallingLine("# rescue name=x")).toBe(false);
    expect(isSignallingLine("rescue 'name=x")).toBe(false);
  });
});

describe("the session carried across the REPL's re-exec", () => {
  test("round trip: frozen PIDs with starttime and name, cgroups, history, the pending line", () => {
    const s = newSession();
    s.frozen.set(4242, { starttime: 99, comm: 'we"ird\tname' });
    s.frozen.set(7, { starttime: 1, comm: "rogue.sh" });
    s.frozenCgroups.push({ version: 1, path: "/bomb", dir: "/sys/fs/cgroup/freezer/bomb" });
    s.history.push("freeze name=rogue.sh: 2 stopped");
    const text = encodeResume(s, "boost", "kill name=rogue.sh");
    expect(text).toBeDefined();
    const back = decodeResume(text ?? "");
    expect(back?.why).toBe("boost");
    expect(back?.pending).toBe("kill name=rogue.sh");
    const t = newSession();
    restoreSession(t, back ?? { why: "idle", frozen: [], cgroups: [], history: [], pending: undefined });
    expect([...t.frozen]).toEqual([...s.frozen]);
    expect(t.frozenCgroups).toEqual(s.frozenCgroups);
    expect(t.history).toEqual(s.history);
  });
  test("malformed input is refused, not half-used", () => {
    for (const bad of ["", "{", "null", '{"why":"idle"}', '{"why":"x","frozen":[],"cgroups":[],"history":[]}', '{"why":"idle","frozen":[[0,1,"x"]],"cgroups":[],"history":[]}', '{"why":"idle","frozen":[],"cgroups":[{"version":3,"path":"/","dir":"/"}],"history":[]}']) {
      expect(decodeResume(bad)).toBeUndefined();
    }
  });
  test("a session too big for one environment variable is not carried", () => {
    const s = newSession();
    for (let pid = 1; pid <= 8000; pid++) s.frozen.set(pid, { starttime: 123456789, comm: "a-long-name-xxx" });
    expect(encodeResume(s, "idle")).toBeUndefined();
    s.frozen.clear();
    for (let pid = 1; pid <= 2000; pid++) s.frozen.set(pid, { starttime: 123456789, comm: "a-long-name-xxx" });
    expect((encodeResume(s, "idle") ?? "").length).toBeLessThan(MAX_RESUME_BYTES);
  });
});
