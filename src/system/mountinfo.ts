/**
 * Pure parsers for /proc/<pid>/mountinfo and /proc/<pid>/cgroup, and the
 * cgroup layout they describe (v1 controllers, the v2 unified tree, or both).
 */

export interface MountEntry {
  mountPoint: string;
  root: string;
  fsType: string;
  superOptions: string[];
}

export interface CgroupLayout {
  /** v1 hierarchies by controller name ("pids", "freezer", ...): mount point. */
  v1: Map<string, string>;
  /** Mount point of the cgroup2 (unified) tree, if mounted. */
  v2: string | undefined;
}

/** Octal escapes (\040 for space, ...) as the kernel writes them in mountinfo. */
export function unescapeMount(s: string): string {
  return s.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(Number.parseInt(o, 8)));
}

export function parseMountinfo(text: string): MountEntry[] {
  const out: MountEntry[] = [];
  for (const line of text.split("\n")) {
    if (line === "") continue;
    const sep = line.indexOf(" - ");
    if (sep < 0) continue;
    const left = line.slice(0, sep).split(" ");
    const right = line.slice(sep + 3).split(" ");
    const root = left[3];
    const mountPoint = left[4];
    const fsType = right[0];
    if (root === undefined || mountPoint === undefined || fsType === undefined) continue;
    out.push({
      root: unescapeMount(root),
      mountPoint: unescapeMount(mountPoint),
      fsType,
      superOptions: (right[2] ?? "").split(","),
    });
  }
  return out;
}

export function cgroupLayout(mounts: readonly MountEntry[]): CgroupLayout {
  const v1 = new Map<string, string>();
  let v2: string | undefined;
  for (const m of mounts) {
    if (m.fsType === "cgroup2") {
      v2 ??= m.mountPoint;
    } else if (m.fsType === "cgroup") {
      for (const opt of m.superOptions) {
        if (opt === "rw" || opt === "ro" || opt.includes("=") || opt === "clone_children") continue;
        if (!v1.has(opt)) v1.set(opt, m.mountPoint);
      }
    }
  }
  return { v1, v2 };
}

export interface CgroupMembership {
  /** v1 controller -> path inside that hierarchy. */
  v1: Map<string, string>;
  /** Path in the unified hierarchy ("0::/path"), if any. */
  v2: string | undefined;
}

/** /proc/<pid>/cgroup: "hierarchy-id:controller-list:path" per line. */
export function parseProcCgroup(text: string): CgroupMembership {
  const v1 = new Map<string, string>();
  let v2: string | undefined;
  for (const line of text.split("\n")) {
    if (line === "") continue;
    const a = line.indexOf(":");
    const b = line.indexOf(":", a + 1);
    if (a < 0 || b < 0) continue;
    const id = line.slice(0, a);
    const ctrls = line.slice(a + 1, b);
    const path = line.slice(b + 1);
    if (id === "0" && ctrls === "") v2 = path;
    else for (const c of ctrls.split(",")) if (c !== "") v1.set(c, path);
  }
  return { v1, v2 };
}
