/**
 * The sandbox's pids cgroup: created with a cap, read from outside, emptied
 * and removed from outside. cgroup v1 (a `pids` hierarchy, as on these
 * machines) or pure cgroup v2 (pids in the root's cgroup.controllers),
 * whichever /proc/self/mountinfo shows.
 *
 * Layout (the same on v1 and v2; v2 forbids tasks in a cgroup that hands
 * controllers to children, so the top has none):
 *   <root>/pidrescue-sb-<ownerpid>-<n>/        pids.max = the sandbox cap
 *       init/     unshare and the namespace's init
 *       victim/   the victim shell, later pidrescue (only that task)
 *       bomb/     the bomb and all its copies
 *
 * Safety: tasks are signalled only after /proc/<pid>/cgroup confirms they
 * are inside this cgroup; nothing outside it is ever touched.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmdirSync, writeFileSync } from "node:fs";
import { cgroupLayout, parseMountinfo } from "../../src/system/mountinfo.ts";

export type CgroupVersion = "v1" | "v2";
export const CHILDREN = ["init", "victim", "bomb"] as const;
export type CgroupChild = (typeof CHILDREN)[number];
const PREFIX = "pidrescue-sb-";

export interface PidsHierarchy {
  version: CgroupVersion;
  /** Mount point of the hierarchy holding the pids controller. */
  mount: string;
}

/** The pids hierarchy from a mountinfo text, or a reason why there is none. */
export function findPidsHierarchy(
  mountinfo: string,
  v2Controllers: (mount: string) => string = (m) => readFileSync(`${m}/cgroup.controllers`, "utf8"),
): PidsHierarchy | { missing: string } {
  const layout = cgroupLayout(parseMountinfo(mountinfo));
  const v1 = layout.v1.get("pids");
  if (v1 !== undefined) return { version: "v1", mount: v1 };
  if (layout.v2 !== undefined) {
    let ctrls = "";
    try {
      ctrls = v2Controllers(layout.v2);
    } catch (e) {
      return { missing: `cannot read ${layout.v2}/cgroup.controllers: ${String(e)}` };
    }
    if (ctrls.split(/\s+/).includes("pids")) return { version: "v2", mount: layout.v2 };
    return { missing: `cgroup2 at ${layout.v2} has no pids controller` };
  }
  return { missing: "no pids cgroup hierarchy mounted" };
}

let cached: PidsHierarchy | { missing: string } | undefined;
export function pidsHierarchy(): PidsHierarchy | { missing: string } {
  cached ??= findPidsHierarchy(readFileSync("/proc/self/mountinfo", "utf8"));
  return cached;
}

let serial = 0;

export class SandboxCgroup {
  readonly path: string;
  /** Path of this cgroup inside its hierarchy (as /proc/<pid>/cgroup shows it). */
  readonly rel: string;
  private removed = false;
  /** "+pids" this sandbox wrote into the v2 root, to take back on removal. */
  private enabledAtRoot = false;

  private constructor(
    readonly h: PidsHierarchy,
    name: string,
  ) {
    this.path = `${h.mount}/${name}`;
    this.rel = `/${name}`;
  }

  /** A sandbox cgroup left behind by a crashed run (removeStale). */
  static existing(h: PidsHierarchy, name: string): SandboxCgroup {
    return new SandboxCgroup(h, name);
  }

  /** Make the cgroup tree with `cap` as the sandbox's pids.max. */
  static create(cap: number): SandboxCgroup {
    const h = pidsHierarchy();
    if ("missing" in h) throw new Error(`no pids cgroup: ${h.missing}`);
    removeStale(h);
    const cg = new SandboxCgroup(h, `${PREFIX}${process.pid}-${serial++}-${Date.now().toString(36)}`);
    if (h.version === "v2") cg.enabledAtRoot = enablePids(h.mount);
    mkdirSync(cg.path);
    writeFileSync(`${cg.path}/pids.max`, String(cap));
    if (h.version === "v2") writeFileSync(`${cg.path}/cgroup.subtree_control`, "+pids");
    for (const c of CHILDREN) mkdirSync(`${cg.path}/${c}`);
    return cg;
  }

  procsFile(child: CgroupChild): string {
    return `${this.path}/${child}/cgroup.procs`;
  }

  /** pids.current of the whole sandbox (every task: threads count). */
  current(): number {
    return readCounter(`${this.path}/pids.current`);
  }

  cap(): number {
    return readCounter(`${this.path}/pids.max`);
  }

  /**
   * Refused task creations. v1: pids.events counts fork failures of tasks
   * in this very cgroup, whatever limit refused them. v2: pids.events counts
   * the times this cgroup's limit (or a descendant's) was hit.
   */
  events(child?: CgroupChild): number {
    const text = readFileSync(`${child ? `${this.path}/${child}` : this.path}/pids.events`, "utf8");
    const m = /^max (\d+)$/m.exec(text);
    return m?.[1] === undefined ? 0 : Number(m[1]);
  }

  setMax(child: CgroupChild, max: number | "max"): void {
    writeFileSync(`${this.path}/${child}/pids.max`, String(max));
  }

  /** Thread ids in a child cgroup (v1 `tasks`, v2 `cgroup.threads`). */
  tasks(child: CgroupChild): number[] {
    return readPids(`${this.path}/${child}/${this.h.version === "v1" ? "tasks" : "cgroup.threads"}`);
  }

  procs(child: CgroupChild): number[] {
    return readPids(this.procsFile(child));
  }

  /** Every process still in the sandbox cgroup. */
  allProcs(): number[] {
    if (this.removed) return [];
    return [this.path, ...CHILDREN.map((c) => `${this.path}/${c}`)].flatMap((d) => readPids(`${d}/cgroup.procs`));
  }

  /** True when /proc says `pid` lives in this sandbox cgroup (or below). */
  owns(pid: number): boolean {
    let text: string;
    try {
      text = readFileSync(`/proc/${pid}/cgroup`, "utf8");
    } catch (e) {
      if (isGone(e)) return false;
      throw e;
    }
    for (const line of text.split("\n")) {
      const [id, ctrls, path] = splitCgroupLine(line);
      if (path === undefined) continue;
      const mine = this.h.version === "v1" ? ctrls.split(",").includes("pids") : id === "0" && ctrls === "";
      if (mine) return path === this.rel || path.startsWith(`${this.rel}/`);
    }
    return false;
  }

  /**
   * SIGKILL everything left in the cgroup until it is empty (v2: cgroup.kill
   * first), bounded by `timeoutMs`. Returns the processes still there.
   */
  killAll(timeoutMs = 10_000): number {
    if (this.removed) return 0;
    const end = Date.now() + timeoutMs;
    if (this.h.version === "v2" && existsSync(`${this.path}/cgroup.kill`)) writeFileSync(`${this.path}/cgroup.kill`, "1");
    for (;;) {
      const left = this.allProcs();
      if (left.length === 0 || Date.now() > end) return left.length;
      for (const pid of left) {
        if (!this.owns(pid)) continue; // moved out or gone: not ours to signal
        try {
          process.kill(pid, "SIGKILL");
        } catch (e) {
          if (!isGone(e)) throw e;
        }
      }
      Bun.sleepSync(20);
    }
  }

  /** Empty the cgroup and remove it (children first). Idempotent. */
  remove(timeoutMs = 10_000): { leftover: number; removed: boolean } {
    if (this.removed) return { leftover: 0, removed: true };
    const leftover = this.killAll(timeoutMs);
    const end = Date.now() + timeoutMs;
    for (const dir of [...CHILDREN.map((c) => `${this.path}/${c}`), this.path]) {
      if (!rmdirRetry(dir, end)) return { leftover, removed: false };
    }
    this.removed = true;
    if (this.enabledAtRoot) disablePids(this.h.mount);
    return { leftover, removed: true };
  }
}

/** Sandbox cgroups whose owner process is gone (a crashed test run). */
function removeStale(h: PidsHierarchy): void {
  let names: string[];
  try {
    names = readdirSync(h.mount).filter((n) => n.startsWith(PREFIX));
  } catch (e) {
    if (isGone(e)) return;
    throw e;
  }
  for (const name of names) {
    const owner = Number(name.slice(PREFIX.length).split("-")[0]);
    if (!Number.isInteger(owner) || owner === process.pid || existsSync(`/proc/${owner}`)) continue;
    const stale = SandboxCgroup.existing(h, name);
    const r = stale.remove(5_000);
    if (!r.removed) console.error(`sandbox: could not remove stale ${stale.path} (${r.leftover} tasks left)`);
  }
}

/** Make sure the v2 root hands the pids controller down; true if we had to. */
function enablePids(mount: string): boolean {
  const ctl = `${mount}/cgroup.subtree_control`;
  if (readFileSync(ctl, "utf8").split(/\s+/).includes("pids")) return false;
  writeFileSync(ctl, "+pids");
  return true;
}

function disablePids(mount: string): void {
  const others = readdirSync(mount).some((n) => n.startsWith(PREFIX));
  if (others) return; // another sandbox of this run still uses it
  try {
    writeFileSync(`${mount}/cgroup.subtree_control`, "-pids");
  } catch (e) {
    // EBUSY: some other cgroup started using pids meanwhile; leaving the
    // controller enabled is then the right thing.
    if ((e as { code?: string }).code !== "EBUSY") throw e;
  }
}

function rmdirRetry(dir: string, end: number): boolean {
  for (;;) {
    try {
      rmdirSync(dir);
      return true;
    } catch (e) {
      const code = (e as { code?: string }).code;
      if (code === "ENOENT") return true;
      // EBUSY: tasks killed a moment ago are still exiting.
      if (code !== "EBUSY" || Date.now() > end) return false;
      Bun.sleepSync(20);
    }
  }
}

export function readCounter(path: string): number {
  const t = readFileSync(path, "utf8").trim();
  return t === "max" ? Number.POSITIVE_INFINITY : Number(t);
}

function readPids(path: string): number[] {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    if (isGone(e)) return [];
    throw e;
  }
  return text
    .split("\n")
    .filter((l) => l !== "")
    .map(Number);
}

function splitCgroupLine(line: string): [string, string, string | undefined] {
  const a = line.indexOf(":");
  const b = line.indexOf(":", a + 1);
  if (a < 0 || b < 0) return ["", "", undefined];
  return [line.slice(0, a), line.slice(a + 1, b), line.slice(b + 1)];
}

export function isGone(e: unknown): boolean {
  const code = (e as { code?: string }).code;
  return code === "ENOENT" || code === "ESRCH";
}
