/**
 * Issue 4, "Must show": the REPL in a real terminal inside the starvation
 * sandbox with zero free slots. The admin's shell cannot fork; it execs
 * pidrescue; the test types `ps`, a typo, `rescue name=rogue.sh`, the
 * confirmation and `shell` with send-keys (plus `loop until-stable freeze`
 * and an `exit` declined while processes are stopped), and checks with capture-pane that
 * the summary showed the bomb, the typo got a suggestion, the bomb is gone,
 * and a working shell came back in the same terminal with pidrescue's PID.
 */
import { afterEach, expect, test } from "bun:test";
import { existsSync } from "node:fs";
import { BINARY } from "../helpers/paths.ts";
import { TtySandbox } from "../helpers/tty-sandbox.ts";

let sb: TtySandbox | undefined;

afterEach(async () => {
  const r = await sb?.destroy();
  sb = undefined;
  if (r && !r.removed) throw new Error(`sandbox cgroup not removed (${r.leftover} tasks left)`);
});

test(
  "starved terminal: exec pidrescue, ps, typo, rescue, shell",
  async () => {
    if (!existsSync(BINARY)) throw new Error(`${BINARY} missing: run \`bun scripts/build.ts\``);
    sb = new TtySandbox({ pidMax: 1000, timeoutMs: 170_000, width: 100, height: 40 });
    const t = sb.tmux;
    await sb.start();
    const full = await sb.fill();
    expect(full).toBeGreaterThan(500);
    expect(await sb.victimCanFork()).toBe(false);

    sb.exec([BINARY]);
    const banner = t.waitFor(/^pidrescue \S+ {2}pid (\d+), 1 thread; \d+ processes/m, 90_000);
    const pid = Number(/^pidrescue \S+ {2}pid (\d+),/m.exec(banner)?.[1]);
    t.waitFor(/^pidrescue> ?$/m);

    t.line("ps");
    // The summary names the offender with hundreds of processes.
    const ps = t.waitFor(/^.*rogue\.sh.*$/m, 30_000);
    const row = ps.split("\n").find((l) => l.includes("rogue.sh") && !l.startsWith("pidrescue>")) ?? "";
    const counts = (row.match(/\d+/g) ?? []).map(Number);
    expect(Math.max(...counts)).toBeGreaterThan(400);

    t.line("docter");
    t.waitFor(/^error: unknown command 'docter' \(did you mean 'doctor'\?\)$/m);

    // Freeze until a round changes nothing; leaving now would ask first.
    t.line("loop until-stable freeze name=rogue.sh");
    t.waitFor(/^loop: stable after \d+ rounds? \(freeze changed nothing\)$/m, 60_000);
    t.waitFor(/^pidrescue \[\d+ stopped\]> ?$/m);
    t.line("exit");
    t.waitFor(/^warning: \d+ processes are still stopped by this session/m);
    t.waitFor(/exit and leave them stopped\? \[y\/N\] ?$/m);
    t.line("n");
    t.waitFor(/^pidrescue \[\d+ stopped\]> ?$/m);

    t.line("rescue name=rogue.sh");
    t.waitFor(/\[y\/N\] ?$/m, 30_000);
    t.line("y");
    t.waitFor(/^rescue done: \d+ killed/m, 60_000);
    t.waitFor(/^pidrescue> ?$/m);
    expect(t.history()).toMatch(/^verify: 0 live matches left/m);
    expect(sb.liveBombs()).toBe(0);
    // The typo was the only error of the session.
    expect(t.history().match(/^error: /gm)).toEqual(["error: "]);

    t.line("doctor");
    t.waitFor(/^threads +1 \(ok/m);
    // Not one task creation was refused to pidrescue while the table was full.
    expect(sb.forkAttempts()).toBe(0);

    t.line("shell");
    t.waitFor(/^exec \S+/m);
    t.line('echo "SHELL-PID=$$ OK=$(echo forked)"');
    const text = t.waitFor(/SHELL-PID=\d+ OK=forked$/m, 30_000);
    expect(Number(/SHELL-PID=(\d+) /m.exec(text)?.[1])).toBe(pid);
    if (process.env.PIDRESCUE_SHOW_SCREEN) console.log(t.history());
  },
  200_000,
);
