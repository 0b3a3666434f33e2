/**
 * Messages (not data) go to stderr through consola, with a reporter that
 * writes synchronously (see output.ts) and colours only when allowed.
 */
import { createConsola, type ConsolaInstance, type LogObject } from "consola/core";
import { writeAll } from "./output.ts";
import { useColor } from "./term.ts";

const TAGS: Record<string, [string, string]> = {
  error: ["error", "31"],
  fatal: ["error", "31"],
  warn: ["warning", "33"],
  success: ["ok", "32"],
  info: ["", "36"],
  start: ["", "36"],
  ready: ["ok", "32"],
  box: ["", "0"],
  log: ["", "0"],
  debug: ["debug", "90"],
  trace: ["trace", "90"],
};

let colorOn = useColor(2);

export function setColor(on: boolean): void {
  colorOn = on && useColor(2);
}

export function paint(code: string, text: string): string {
  return colorOn ? `\u001b[${code}m${text}\u001b[0m` : text;
}

function report(obj: LogObject): void {
  const [tag, code] = TAGS[obj.type] ?? ["", "0"];
  const text = obj.args.map((a) => (a instanceof Error ? a.message : String(a))).join(" ");
  const prefix = tag ? `${paint(code, tag)}: ` : "";
  writeAll(2, `${prefix}${text}\n`);
}

/** The methods pidrescue uses; consola itself is created at the first message, not at load time. */
export type Logger = Pick<ConsolaInstance, "error" | "warn" | "info" | "debug" | "success" | "log">;

let instance: ConsolaInstance | undefined;

function consola(): ConsolaInstance {
  instance ??= createConsola({
    level: process.env.PIDRESCUE_DEBUG ? 4 : 3,
    reporters: [{ log: report }],
  });
  return instance;
}

// Creating the consola instance cost 0.4-1.4 ms of start-up CPU (safe mode),
// paid by every run before its first signal although most runs log nothing.
export const logger: Logger = {
  error: (...a: unknown[]) => consola().error(...(a as [string])),
  warn: (...a: unknown[]) => consola().warn(...(a as [string])),
  info: (...a: unknown[]) => consola().info(...(a as [string])),
  debug: (...a: unknown[]) => consola().debug(...(a as [string])),
  success: (...a: unknown[]) => consola().success(...(a as [string])),
  log: (...a: unknown[]) => consola().log(...(a as [string])),
} as Logger;
