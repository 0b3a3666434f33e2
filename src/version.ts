/** Version and git revision, baked in by scripts/build.ts with --define. */
declare const PIDRESCUE_VERSION: string | undefined;
declare const PIDRESCUE_GIT_REV: string | undefined;

export const VERSION: string = typeof PIDRESCUE_VERSION === "string" ? PIDRESCUE_VERSION : "0.0.0-dev";
export const GIT_REV: string = typeof PIDRESCUE_GIT_REV === "string" ? PIDRESCUE_GIT_REV : "unknown";

export function versionLine(): string {
  return `pidrescue ${VERSION} (${GIT_REV}) bun ${process.versions.bun ?? "?"}`;
}
