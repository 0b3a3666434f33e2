/**
 * Builds the protected set (protect.ts) for a scan: the chain from this
 * process up to PID 1, read from the real /proc (never a fixture tree), and
 * a daemon verdict for every row whose name claims a daemon.
 */
import type { ProcTable } from "../proc/table.ts";
import { readStatOne } from "../proc/scanner.ts";
import { readLink } from "../proc/reader.ts";
import { DAEMONS, ProtectedSet, judgeDaemon, type DaemonVerdict } from "./protect.ts";

/** Self and ancestors with their starttimes, nearest first. */
export function ownChain(pid = process.pid): { chain: Map<number, number>; pgrp: number } {
  const chain = new Map<number, number>();
  let pgrp = 0;
  let cur = pid;
  for (let hops = 0; cur > 0 && hops < 4096 && !chain.has(cur); hops++) {
    const st = readStatOne("/proc", cur);
    if (st === null) break;
    if (cur === pid) pgrp = st.pgrp;
    chain.set(cur, st.starttime);
    cur = st.ppid;
  }
  return { chain, pgrp };
}

export function buildProtection(table: ProcTable, procRoot: string): ProtectedSet {
  const { chain, pgrp } = ownChain();
  const row2 = table.indexOf(2);
  const set = new ProtectedSet(process.pid, pgrp, chain, row2 >= 0 && table.isKernelThread(row2));
  const verdicts = new Map<number, DaemonVerdict>();
  const judge = (row: number, depth: number): DaemonVerdict => {
    const pid = table.pid[row]!;
    const known = verdicts.get(pid);
    if (known !== undefined) return known;
    const comm = table.name(row);
    if (!DAEMONS.has(comm)) {
      verdicts.set(pid, "none");
      return "none";
    }
    const ppid = table.ppid[row]!;
    let parentTrusted = ppid === 1 || ppid === 0;
    if (!parentTrusted && depth < 64) {
      const prow = table.indexOf(ppid);
      parentTrusted = prow >= 0 && judge(prow, depth + 1) === "daemon";
    }
    const v = judgeDaemon(comm, readLink(`${procRoot}/${pid}/exe`), parentTrusted);
    verdicts.set(pid, v);
    set.markDaemon(pid, table.starttime[row]!, v, comm);
    return v;
  };
  for (let i = 0; i < table.count; i++) judge(i, 0);
  return set;
}
