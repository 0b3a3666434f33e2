/**
 * The man page is generated from the registry: every command, alias, flag,
 * REPL command and exit code must be on it, both in the roff source and in
 * what man(1) renders from it.
 */
import { describe, expect, test } from "bun:test";
import type { ArgDef } from "citty";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { COMMANDS, GLOBAL_ARGS } from "../../src/cli/registry.ts";
import { REPL_ONLY } from "../../src/cli/help.ts";
import { ExitCode } from "../../src/errors.ts";
import { EXIT_CODE_TEXT, esc, manPage, selectorLines } from "../../src/cli/manpage.ts";

const roff = manPage({ version: "9.8.7", date: "2001-02-03" });
/** The roff source with escapes undone, for substring checks. */
const plain = roff.replace(/\\-/g, "-").replace(/\\e/g, "\\").replace(/\\&/g, "");

/** Every spelling a user types for a flag: --name (or --no-name for default-true booleans) and -x for short aliases. */
function spellings(name: string, a: ArgDef): string[] {
  const alias = "alias" in a ? a.alias : undefined;
  const aliases = alias === undefined ? [] : Array.isArray(alias) ? alias : [alias];
  const long = a.type === "boolean" && a.default === true ? `--[no-]${name}` : `--${name}`;
  return [long, ...aliases.filter((x) => x.length === 1).map((x) => `-${x}`)];
}

describe("man page source", () => {
  test("has the header with version and date", () => {
    expect(roff.startsWith('.TH PIDRESCUE 8 "2001-02-03" "pidrescue 9.8.7"')).toBe(true);
  });

  test("names every command, its aliases and its flags", () => {
    for (const c of COMMANDS) {
      expect(plain).toContain(`.B ${c.name}`);
      expect(plain).toContain(c.summary.slice(1));
      for (const alias of c.aliases) expect(plain).toMatch(new RegExp(`Aliases: .*\\b${alias}\\b`));
      for (const [name, a] of Object.entries(c.args)) {
        if (a.type === "positional") continue;
        for (const s of spellings(name, a)) expect(plain).toContain(s);
      }
    }
  });

  test("names every global flag", () => {
    for (const [name, a] of Object.entries(GLOBAL_ARGS)) {
      for (const s of spellings(name, a)) expect(plain).toContain(s);
    }
  });

  test("names every REPL-only command and every exit code", () => {
    for (const c of REPL_ONLY) expect(plain).toContain(`.B ${c.name}`);
    for (const [name, code] of Object.entries(ExitCode)) {
      expect(plain).toContain(`.B ${code}\n${EXIT_CODE_TEXT[name as keyof typeof ExitCode]}`);
    }
  });

  test("carries the selector syntax of the help screen", () => {
    const sel = selectorLines();
    expect(sel.length).toBeGreaterThan(0);
    expect(sel[0]).toContain("name=");
    for (const s of sel) expect(plain).toContain(s);
  });

  test("escapes roff control characters", () => {
    expect(esc(".x")).toBe("\\&.x");
    expect(esc("a-b\\c")).toBe("a\\-b\\ec");
    // No text line may start with a dot or quote unless it is a request we wrote.
    for (const line of roff.split("\n")) {
      if (line.startsWith(".")) expect(line).toMatch(/^\.(TH|SH|B|BR|I|TP|PP|br|nf|fi|RS|RE)\b/);
      expect(line.startsWith("'")).toBe(false);
    }
  });
});

describe("man page rendered by man(1)", () => {
  test("shows every command and global flag as plain ASCII text", () => {
    const dir = mkdtempSync(join(tmpdir(), "pidrescue-man-"));
    try {
      const file = join(dir, "pidrescue.8");
      writeFileSync(file, roff);
      const r = spawnSync("man", ["-l", "-P", "cat", file], {
        encoding: "utf8",
        env: { ...process.env, MANWIDTH: "100", LANG: "C.UTF-8", MAN_KEEP_FORMATTING: "" },
      });
      expect(r.stderr).toBe("");
      expect(r.status).toBe(0);
      const text = r.stdout;
      expect(text).toContain("PIDRESCUE(8)");
      for (const c of COMMANDS) expect(text).toMatch(new RegExp(`^ {7}${c.name}\\b`, "m"));
      for (const [name, a] of Object.entries(GLOBAL_ARGS)) {
        for (const s of spellings(name, a)) expect(text).toContain(s);
      }
      expect(text).not.toContain("\u2212"); // flags must copy-paste as ASCII hyphens
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
