/** Pure parts of the sandbox helpers: which pids hierarchy, sbinit's status lines, quoting. */
import { describe, expect, test } from "bun:test";
import { findPidsHierarchy } from "../helpers/cgroup.ts";
import { lookupUser, shq } from "../helpers/paths.ts";
import { exitOf } from "../helpers/sandbox.ts";

const V1 = `31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755
37 31 0:34 / /sys/fs/cgroup/freezer rw,relatime - cgroup cgroup rw,freezer
39 31 0:36 / /sys/fs/cgroup/pids rw,relatime - cgroup cgroup rw,pids
41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw
`;
const V2 = `25 20 0:23 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:4 - cgroup2 cgroup2 rw,nsdelegate,memory_recursiveprot
`;

describe("findPidsHierarchy", () => {
  test("cgroup v1 pids wins over a unified tree without pids", () => {
    expect(findPidsHierarchy(V1, () => "hugetlb")).toEqual({ version: "v1", mount: "/sys/fs/cgroup/pids" });
  });
  test("pure cgroup v2 with pids available", () => {
    expect(findPidsHierarchy(V2, () => "cpuset cpu io memory hugetlb pids rdma misc\n")).toEqual({ version: "v2", mount: "/sys/fs/cgroup" });
  });
  test("cgroup v2 without the pids controller", () => {
    expect(findPidsHierarchy(V2, () => "cpu memory\n")).toEqual({ missing: "cgroup2 at /sys/fs/cgroup has no pids controller" });
  });
  test("no cgroup mounted", () => {
    expect(findPidsHierarchy("22 1 0:5 / /proc rw - proc proc rw\n")).toEqual({ missing: "no pids cgroup hierarchy mounted" });
  });
});

describe("exitOf (sbinit status lines)", () => {
  test("running", () => expect(exitOf(["pid_max 1000 ok", "victim 2", "bomb 3"])).toBeUndefined());
  test("exit code", () => expect(exitOf(["victim 2", "victim-exit 3"])).toEqual({ code: 3, signal: null }));
  test("signal", () => expect(exitOf(["victim 2", "victim-signal 6"])).toEqual({ code: 134, signal: 6 }));
});

test("shq quotes for bash", () => {
  expect(shq("plain")).toBe("'plain'");
  expect(shq("it's $HOME")).toBe(`'it'\\''s $HOME'`);
});

test("lookupUser", () => {
  const passwd = "root:x:0:0:root:/root:/bin/bash\npidrescue-test:x:999:995::/home/pidrescue-test:/bin/bash\n";
  expect(lookupUser("pidrescue-test", passwd)).toEqual({ uid: 999, gid: 995 });
  expect(lookupUser("nobody-here", passwd)).toBeUndefined();
});
