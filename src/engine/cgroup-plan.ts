/**
 * Finds cgroups that may be frozen (and later killed) as a whole: every
 * process in the cgroup's subtree is a target. One /proc/<pid>/cgroup read
 * per distinct cgroup, not per process: once a cgroup has been examined,
 * all of its members count as examined.
 */
import { readdirSync } from "node:fs";
import { errnoCode } from "../errors.ts";
import { readText } from "../proc/reader.ts";
import { cgroupLayout, parseMountinfo, parseProcCgroup, type CgroupLayout } from "../system/mountinfo.ts";
import { parseProcsList } from "./cgroupctl.ts";
import type { CgroupTarget } from "./types.ts";

/** Is `pid` a target? (may read and add the process when the plan's scan did not see it) */
export type TargetTest = (pid: number) => boolean;

export function currentLayout(): CgroupLayout {
  return cgroupLayout(parseMountinfo(readText("/proc/self/mountinfo", 1 << 20) ?? ""));
}

export function findCgroupTargets(candidates: number[], isTarget: TargetTest, procRoot: string, layout = currentLayout()): CgroupTarget[] {
  const freezer = layout.v1.get("freezer");
  if (layout.v2 === undefined && freezer === undefined) return [];
  const examined = inRootEverywhere(layout.v2, freezer);
  const seenDirs = new Set<string>();
  const out: CgroupTarget[] = [];
  for (const pid of candidates) {
    if (examined.has(pid)) continue;
    examined.add(pid);
    const text = readText(`${procRoot}/${pid}/cgroup`);
    if (text === undefined) continue;
    const m = parseProcCgroup(text);
    const options: Array<{ version: 1 | 2; path: string; dir: string; control: string }> = [];
    if (layout.v2 !== undefined && m.v2 !== undefined && m.v2 !== "/") {
      options.push({ version: 2, path: m.v2, dir: layout.v2 + m.v2, control: "cgroup.freeze" });
    }
    const fpath = m.v1.get("freezer");
    if (freezer !== undefined && fpath !== undefined && fpath !== "/") {
      options.push({ version: 1, path: fpath, dir: freezer + fpath, control: "freezer.state" });
    }
    for (const opt of options) {
      if (seenDirs.has(opt.dir)) continue;
      seenDirs.add(opt.dir);
      const pids = subtreePids(opt.dir);
      if (pids === undefined) continue;
      for (const p of pids) examined.add(p);
      if (pids.length === 0 || !pids.every(isTarget)) continue;
      if (!hasFile(opt.dir, opt.control)) continue;
      out.push({ version: opt.version, path: opt.path, dir: opt.dir, pids });
      break;
    }
  }
  return out;
}

/**
 * Processes in the root cgroup of every hierarchy that could freeze them:
 * no cgroup strategy can apply to them, so their /proc/<pid>/cgroup is not
 * read (measured: with 10,000 bomb processes in the root cgroup, reading
 * each one's cgroup file was 5% of a rescue). One read per hierarchy.
 */
function inRootEverywhere(v2: string | undefined, freezer: string | undefined): Set<number> {
  const lists: number[][] = [];
  for (const mount of [v2, freezer]) {
    if (mount === undefined) continue;
    const text = readText(`${mount}/cgroup.procs`, 1 << 24);
    if (text === undefined) return new Set();
    lists.push(parseProcsList(text));
  }
  const [first, second] = lists;
  if (first === undefined) return new Set();
  if (second === undefined) return new Set(first);
  const other = new Set(second);
  return new Set(first.filter((p) => other.has(p)));
}

/** Every PID in a cgroup directory and its descendants; undefined if unreadable. */
export function subtreePids(dir: string): number[] | undefined {
  const procs = readText(`${dir}/cgroup.procs`, 1 << 24);
  if (procs === undefined) return undefined;
  const out = parseProcsList(procs);
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch (e) {
    const code = errnoCode(e);
    if (code === "ENOENT" || code === "EACCES") return undefined; // removed or hidden: no cgroup strategy here
    throw e;
  }
  for (const d of entries) {
    if (!d.isDirectory()) continue;
    const sub = subtreePids(`${dir}/${d.name}`);
    if (sub === undefined) return undefined;
    for (const p of sub) out.push(p);
  }
  return out;
}

function hasFile(dir: string, name: string): boolean {
  try {
    return readdirSync(dir).includes(name);
  } catch (e) {
    const code = errnoCode(e);
    if (code === "ENOENT" || code === "EACCES") return false; // gone or hidden: strategy not available
    throw e;
  }
}
