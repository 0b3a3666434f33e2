import { expect, test } from "bun:test";
import { ProtectedSet } from "../../src/engine/protect.ts";
import { buildProtection } from "../../src/engine/ancestry.ts";
import { ProcTable } from "../../src/proc/table.ts";

const facts = (pid: number, ppid: number) => ({ pid, ppid, starttime: 5, flags: 0, comm: "rogue.sh" });

test("inside a PID namespace, PID 2 is an ordinary process: its children are not kernel threads", () => {
  const host = new ProtectedSet(500, 500, new Map([[500, 1]]), true);
  const ns = new ProtectedSet(500, 500, new Map([[500, 1]]), false);
  expect(host.reason(facts(77, 2))).toBe("kernel-thread");
  expect(ns.reason(facts(77, 2))).toBeUndefined();
  expect(ns.reason(facts(2, 1))).toBeUndefined();
  // The kthread flag still protects, wherever it is.
  expect(ns.reason({ ...facts(78, 2), flags: 0x00200000 })).toBe("kernel-thread");
});

test("buildProtection: PID 2 counts as kthreadd only when the scan shows it with the kthread flag", () => {
  const line = (pid: number, comm: string, ppid: number, flags: number) =>
    Buffer.from(`${pid} (${comm}) S ${ppid} ${pid} ${pid} 0 -1 ${flags} 0 0 0 0 0 0 0 0 20 0 1 0 100 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 17 0 0 0 0 0 0 0 0 0 0 0 0 0 0\n `);
  const table = (flags2: number) => {
    const t = new ProcTable(8);
    for (const [pid, comm, ppid, flags] of [[1, "init", 0, 0], [2, "x", 1, flags2], [3, "child", 2, 0]] as const) {
      const b = line(pid, comm, ppid, flags);
      t.appendStat(b, b.length - 1, 0, -1);
    }
    return t;
  };
  expect(buildProtection(table(0x00200040), "/proc").reason(facts(3, 2))).toBe("kernel-thread");
  expect(buildProtection(table(0x00400100), "/proc").reason(facts(3, 2))).toBeUndefined();
});
