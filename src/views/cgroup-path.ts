/**
 * The one cgroup path a view shows for a process: the pids controller's
 * path on cgroup v1 (where process limits live on hybrid machines), else
 * the unified (v2) path, else the first v1 path.
 */
import type { CgroupMembership } from "../system/mountinfo.ts";

export function cgroupPathOf(m: CgroupMembership): string | undefined {
  const pids = m.v1.get("pids");
  if (pids !== undefined) return pids;
  if (m.v2 !== undefined) return m.v2;
  for (const p of m.v1.values()) return p;
  return undefined;
}
