/**
 * Checks on the .deb files: control metadata and contents (both arches), and
 * a real install of the amd64 package with apt, use from PATH, `man`, and
 * removal with dpkg -r leaving no file behind. The install changes the
 * system, so it runs only as root, only when no pidrescue package is
 * installed already, and the package is removed in `finally` even when a
 * step fails.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { sha256File } from "./checksums.ts";
import { Skip, type Release } from "./release-checks.ts";

const ROOT = resolve(import.meta.dir, "../..");
const REQUIRED_FIELDS = ["Package", "Version", "Architecture", "Maintainer", "Installed-Size", "Section", "Priority", "Description", "Depends"];
const PAYLOAD = [
  "./usr/sbin/pidrescue",
  "./usr/share/man/man8/pidrescue.8.gz",
  "./usr/share/doc/pidrescue/copyright",
];
/** A PATH without /usr/local, so `pidrescue` resolves to the package's, not an install-bin copy. */
const SYSTEM_PATH = "/usr/sbin:/usr/bin:/sbin:/bin";

/** Metadata and file list of one .deb, and its binary equals the artifact it was made from. */
export function checkDebContents(r: Release, arch: string): string {
  const d = r.manifest.debs.find((x) => x.arch === arch);
  if (!d) throw new Error(`manifest has no ${arch} .deb`);
  const deb = join(r.dir, d.file);
  const info = run("dpkg-deb", ["-f", deb, ...REQUIRED_FIELDS]);
  const fields = new Map(info.split("\n").map((l) => [l.slice(0, l.indexOf(":")), l.slice(l.indexOf(":") + 1).trim()] as const));
  for (const f of REQUIRED_FIELDS) if (!fields.get(f)) throw new Error(`${d.file}: control field ${f} missing:\n${info}`);
  const expect: Record<string, string> = { Package: "pidrescue", Version: r.manifest.version, Architecture: arch, Section: "admin", Priority: "optional" };
  for (const [k, v] of Object.entries(expect)) if (fields.get(k) !== v) throw new Error(`${d.file}: ${k} is ${fields.get(k)}, want ${v}`);
  const listing = run("dpkg-deb", ["-c", deb]);
  // The README ships as doc once the repository has one (release.ts says so when it does not).
  const payload = existsSync(join(ROOT, "README.md")) ? [...PAYLOAD, "./usr/share/doc/pidrescue/README.md.gz"] : PAYLOAD;
  for (const p of payload) if (!listing.includes(` ${p}\n`)) throw new Error(`${d.file} lacks ${p}:\n${listing}`);
  if (!/^-rwxr-xr-x root\/root .* \.\/usr\/sbin\/pidrescue$/m.test(listing)) throw new Error(`${d.file}: /usr/sbin/pidrescue not 0755 root:root`);
  const tmp = mkdtempSync(join(tmpdir(), "pidrescue-deb-"));
  try {
    run("dpkg-deb", ["-x", deb, tmp]);
    const inner = sha256File(join(tmp, "usr/sbin/pidrescue"));
    const from = r.manifest.artifacts.find((a) => a.file === d.from);
    if (!from || inner !== from.sha256) throw new Error(`${d.file}: /usr/sbin/pidrescue is not ${d.from}`);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  return `${d.file}: ${REQUIRED_FIELDS.length} control fields, payload ok, binary = ${d.from}`;
}

/** apt install ./pidrescue_*_amd64.deb, run it from PATH, read the man page, dpkg -r, nothing left. */
export function checkDebInstall(r: Release): string {
  if (process.getuid?.() !== 0) throw new Skip("needs root to install a package");
  if (process.arch !== "x64") throw new Skip("the install test runs the amd64 package on an x86-64 host");
  const before = installedState();
  if (before !== null) throw new Skip(`a pidrescue package is already on this system (${before}); not touching it`);
  const d = r.manifest.debs.find((x) => x.arch === "amd64");
  if (!d) throw new Error("manifest has no amd64 .deb");
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive", PATH: `${SYSTEM_PATH}:${process.env.PATH ?? ""}` };
  let files: string[] = [];
  try {
    run("apt", ["install", "-y", "-q", join(r.dir, d.file)], env);
    if (installedState() !== "installed") throw new Error(`dpkg status after apt install: ${installedState()}`);
    files = run("dpkg", ["-L", "pidrescue"]).split("\n").filter((f) => f !== "");
    const which = run("sh", ["-c", "command -v pidrescue"], { ...env, PATH: SYSTEM_PATH }).trim();
    if (which !== "/usr/sbin/pidrescue") throw new Error(`pidrescue on PATH is ${which}`);
    const version = run("sh", ["-c", "pidrescue --version"], { ...env, PATH: SYSTEM_PATH }).trim();
    if (!version.startsWith(`pidrescue ${r.manifest.version} `)) throw new Error(`pidrescue --version from PATH: ${version}`);
    const manPath = run("man", ["-w", "pidrescue"]).trim();
    const page = run("man", ["-P", "cat", "pidrescue"], { ...env, MANWIDTH: "80", LANG: "C.UTF-8" });
    if (manPath !== "/usr/share/man/man8/pidrescue.8.gz" || !page.includes("PIDRESCUE(8)") || !page.includes("exec pidrescue")) {
      throw new Error(`man pidrescue: ${manPath}\n${page.slice(0, 400)}`);
    }
    run("dpkg", ["-r", "pidrescue"], env);
    const state = installedState();
    if (state !== null) throw new Error(`dpkg state after dpkg -r: ${state}`);
    const left = files.filter((f) => f.includes("pidrescue") && existsSync(f));
    if (left.length > 0) throw new Error(`left after dpkg -r: ${left.join(" ")}`);
    return `apt install, ${version} from PATH, man -w ${manPath}, dpkg -r left none of ${files.length} paths`;
  } finally {
    if (installedState() !== null) spawnSync("dpkg", ["--purge", "pidrescue"], { stdio: "ignore", env });
  }
}

/**
 * dpkg's state of the pidrescue package ("installed", "config-files", "half-installed" ...),
 * or null when it is not on the system (no record, or a leftover "not-installed" record).
 */
function installedState(): string | null {
  const r = spawnSync("dpkg-query", ["-W", "-f=${Status}", "pidrescue"], { encoding: "utf8" });
  if (r.status !== 0) return null;
  const state = r.stdout.trim().split(" ")[2] ?? "";
  return state === "not-installed" || state === "" ? null : state;
}

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env): string {
  const r = spawnSync(cmd, args, { env, encoding: "utf8", timeout: 300_000 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")}: exit ${r.status ?? r.error?.message}\n${r.stdout}${r.stderr}`);
  return r.stdout;
}
