/**
 * A private tmux server for terminal tests: its own socket (-L), so it
 * never touches a user's tmux; a fixed-size window; send-keys in, text out
 * through capture-pane. Everything it starts dies with kill().
 */
import { spawnSync } from "node:child_process";
import { rmSync } from "node:fs";

export class Tmux {
  readonly socket: string;
  private alive = false;

  constructor(name = "t") {
    this.socket = `pidrescue-test-${process.pid}-${name}-${Date.now().toString(36)}`;
  }

  /** Start `command` (run by sh) in a detached window of width x height; the pane stays after it exits. */
  start(command: string, width = 80, height = 24, env: Record<string, string> = {}): void {
    const envArgs = Object.entries(env).flatMap(([k, v]) => ["-e", `${k}=${v}`]);
    this.alive = true; // even if new-session fails half-way, kill() tries
    this.run(["new-session", "-d", "-s", "main", "-x", String(width), "-y", String(height), ...envArgs, command]);
    this.run(["set-option", "-t", "main", "remain-on-exit", "on"]);
  }

  /** tmux send-keys: literal text with -l, or key names (Enter, C-c, C-d). */
  type(text: string): void {
    this.run(["send-keys", "-t", "main", "-l", text]);
  }

  keys(...names: string[]): void {
    this.run(["send-keys", "-t", "main", ...names]);
  }

  /** Type a line and press Enter. */
  line(text: string): void {
    this.type(text);
    this.keys("Enter");
  }

  /** The visible screen, trailing blank lines removed. */
  screen(): string {
    return this.run(["capture-pane", "-p", "-t", "main"]).replace(/\n+$/, "");
  }

  /** The visible screen with colour escape sequences (-e). */
  screenWithEscapes(): string {
    return this.run(["capture-pane", "-p", "-e", "-t", "main"]);
  }

  /** The screen plus scrollback, wrapped lines joined (-J keeps trailing blanks). */
  history(): string {
    return this.run(["capture-pane", "-p", "-J", "-S", "-", "-t", "main"]).replace(/\n+$/, "");
  }

  resize(width: number, height: number): void {
    this.run(["resize-window", "-t", "main", "-x", String(width), "-y", String(height)]);
  }

  /** PID of the process running in the pane (the command, after its execs). */
  panePid(): number {
    return Number(this.run(["display-message", "-p", "-t", "main", "#{pane_pid}"]).trim());
  }

  /** Poll the scrollback until `pattern` matches (count times), or throw with the screen. */
  waitFor(pattern: RegExp, timeoutMs = 30_000, count = 1): string {
    const end = Date.now() + timeoutMs;
    const global = new RegExp(pattern.source, pattern.flags.includes("g") ? pattern.flags : `${pattern.flags}g`);
    for (;;) {
      const text = this.history();
      if ((text.match(global)?.length ?? 0) >= count) return text;
      if (Date.now() > end) throw new Error(`timed out waiting for ${pattern} (x${count}); screen:\n${text}`);
      Bun.sleepSync(50);
    }
  }

  kill(): void {
    if (!this.alive) return;
    this.alive = false;
    spawnSync("tmux", ["-L", this.socket, "kill-server"], { stdio: "ignore" });
    // The server leaves its socket file behind; it is ours, remove it.
    rmSync(`${process.env.TMUX_TMPDIR ?? "/tmp"}/tmux-${process.getuid?.() ?? 0}/${this.socket}`, { force: true });
  }

  private run(args: string[]): string {
    const r = spawnSync("tmux", ["-L", this.socket, "-f", "/dev/null", ...args], { encoding: "utf8" });
    if (r.status !== 0) throw new Error(`tmux ${args.join(" ")} failed: ${r.stderr}`);
    return r.stdout;
  }
}
