/** "Did you mean" and unique-prefix abbreviations, shared by the CLI and the REPL. */

/** Damerau-Levenshtein (optimal string alignment) distance. */
export function editDistance(a: string, b: string): number {
  const m = a.length;
  const n = b.length;
  const d: number[][] = [];
  for (let i = 0; i <= m; i++) d.push(new Array<number>(n + 1).fill(0));
  const at = (i: number, j: number): number => d[i]?.[j] ?? 0;
  for (let i = 0; i <= m; i++) d[i]![0] = i;
  for (let j = 0; j <= n; j++) d[0]![j] = j;
  for (let i = 1; i <= m; i++) {
    for (let j = 1; j <= n; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, at(i - 2, j - 2) + 1);
      d[i]![j] = v;
    }
  }
  return at(m, n);
}

/** The closest candidate within a distance that scales with the word, or undefined. */
export function didYouMean(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  const limit = Math.max(1, Math.min(3, Math.floor(word.length / 2)));
  for (const c of candidates) {
    const dist = editDistance(word.toLowerCase(), c.toLowerCase());
    if (dist < bestD) {
      bestD = dist;
      best = c;
    }
  }
  return bestD <= limit ? best : undefined;
}

/**
 * Resolve `word` against names: an exact name wins, then a unique prefix.
 * Returns the name, or the list of ambiguous candidates.
 */
export function resolveAbbrev(word: string, names: readonly string[]): { name: string } | { ambiguous: string[] } | undefined {
  if (names.includes(word)) return { name: word };
  const hits = names.filter((n) => n.startsWith(word));
  if (hits.length === 1 && hits[0] !== undefined) return { name: hits[0] };
  if (hits.length > 1) return { ambiguous: hits };
  return undefined;
}
