/** uid -> user name for the views, from a passwd file read once on first use. */
import { readText } from "../proc/reader.ts";
import { UID_UNKNOWN } from "../proc/table.ts";
import { parsePasswd } from "../select/env.ts";

/** A resolver: the passwd name of a uid, else the uid as digits; "?" for UID_UNKNOWN. */
export function userNamer(passwdPath = "/etc/passwd"): (uid: number) => string {
  let names: Map<number, string> | undefined;
  return (uid) => {
    if (uid === UID_UNKNOWN) return "?";
    if (names === undefined) {
      names = new Map();
      for (const [name, id] of parsePasswd(readText(passwdPath, 1 << 22) ?? "")) if (!names.has(id)) names.set(id, name);
    }
    return names.get(uid) ?? String(uid);
  };
}
