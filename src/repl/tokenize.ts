/**
 * Split one REPL line into words the way a POSIX shell would, so a command
 * typed after `pidrescue` in a shell works the same inside the REPL:
 *   - blanks (space, tab; also ^L and ^K, which a terminal passes through
 *     as characters) separate words;
 *   - '...' is literal; "..." is literal except that \" and \\ lose the
 *     backslash; outside quotes a backslash keeps the next character literal;
 *   - quoted parts join the word they touch (name='a b'c is one word);
 *   - # starts a comment at the start of a word; a blank or comment-only
 *     line gives no words.
 * An unterminated quote or a trailing backslash is an error (one line, no
 * partial command is ever run). Pure: no I/O.
 */
import { PidrescueError } from "../errors.ts";

export function tokenize(line: string): string[] {
  const words: string[] = [];
  let word = "";
  let inWord = false;
  let i = 0;
  const n = line.length;
  while (i < n) {
    const c = line[i] as string;
    if (c === " " || c === "\t" || c === "\r" || c === "\n" || c === "\f" || c === "\v") {
      if (inWord) words.push(word);
      word = "";
      inWord = false;
      i++;
    } else if (c === "#" && !inWord) {
      break;
    } else if (c === "'") {
      const end = line.indexOf("'", i + 1);
      if (end < 0) throw unterminated("'", i);
      word += line.slice(i + 1, end);
      inWord = true;
      i = end + 1;
    } else if (c === '"') {
      const r = readDoubleQuoted(line, i);
      word += r.text;
      inWord = true;
      i = r.next;
    } else if (c === "\\") {
      if (i + 1 >= n) throw new PidrescueError("USAGE", "line ends with a backslash (nothing to escape)");
      word += line[i + 1];
      inWord = true;
      i += 2;
    } else {
      word += c;
      inWord = true;
      i++;
    }
  }
  if (inWord) words.push(word);
  return words;
}

/** Text of a "..." part starting at `start` (the opening quote), and the index after it. */
function readDoubleQuoted(line: string, start: number): { text: string; next: number } {
  let text = "";
  let i = start + 1;
  while (i < line.length) {
    const c = line[i];
    if (c === '"') return { text, next: i + 1 };
    if (c === "\\" && (line[i + 1] === '"' || line[i + 1] === "\\")) {
      text += line[i + 1];
      i += 2;
      continue;
    }
    text += c;
    i++;
  }
  throw unterminated('"', start);
}

function unterminated(quote: string, at: number): PidrescueError {
  return new PidrescueError("USAGE", `unterminated ${quote} quote (opened at column ${at + 1}); nothing was run`);
}
