/**
 * The release artifacts in dist/release/ (npm test builds them with
 * scripts/release.ts before `bun test`): every check of
 * scripts/verify-release.ts as its own test. Without dist/release/ (a plain
 * `bun test` on a fresh tree) the whole file is skipped, and says so.
 * A check that cannot run here (not root, no pids cgroup, the arm64-musl
 * artifact) prints SKIPPED with the reason instead of passing silently.
 */
import { describe, expect, test } from "bun:test";
import { RELEASE_PATH, haveRelease, releaseChecks } from "../../scripts/verify-release.ts";
import { Skip, loadRelease } from "../../scripts/lib/release-checks.ts";

const present = haveRelease();
if (!present) console.warn(`release.test.ts: SKIPPED: ${RELEASE_PATH}/manifest.json missing (npm test builds it; or run npm run release)`);

describe.skipIf(!present)("release artifacts", () => {
  const release = present ? loadRelease(RELEASE_PATH) : null;
  for (const check of releaseChecks()) {
    test(check.name, () => {
      if (!release) throw new Error("unreachable: describe is skipped without a release");
      let detail: string;
      try {
        detail = check.run(release);
      } catch (e) {
        if (e instanceof Skip) {
          console.warn(`SKIPPED ${check.name}: ${e.message}`);
          return;
        }
        throw e;
      }
      expect(detail.length).toBeGreaterThan(0);
    }, 300_000);
  }
});
