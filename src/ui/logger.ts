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

export const logger: ConsolaInstance = createConsola({
  level: process.env.PIDRESCUE_DEBUG ? 4 : 3,
  reporters: [{ log: report }],
});
