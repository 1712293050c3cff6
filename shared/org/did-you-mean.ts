// "Did you mean …?" hints for unknown config keys and ids. The candidate lists are tiny (a mapping's allowed
// keys, the pod ids of one organisation), so the plain O(n·m) edit distance is all this needs.

/**
 * Counts the single-character insertions, deletions, substitutions and adjacent swaps that turn `a` into `b`
 * (Levenshtein distance plus transpositions, so the common typo `nmae` is one edit from `name`, not two).
 */
export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  if (a.length === 0) return b.length;
  if (b.length === 0) return a.length;
  // d[i][j] is the distance between the first i chars of a and the first j chars of b.
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  const at = (i: number, j: number): number => d[i]?.[j] ?? 0;
  for (let i = 1; i <= a.length; i++) {
    const rowI = d[i] as number[];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, at(i - 2, j - 2) + 1);
      rowI[j] = best;
    }
  }
  return at(a.length, b.length);
}

/**
 * Picks the candidate closest to `word`, or undefined when none is close enough to be a plausible typo.
 * Case differences count as one edit at most, so `baseurl` still suggests `baseUrl`.
 */
export function closestMatch(word: string, candidates: readonly string[]): string | undefined {
  // Up to a third of the word may be wrong (at least 1, at most 3 edits): `nmae`→`name`, `membres`→`members`,
  // while `foo` suggests nothing rather than a random key.
  const limit = Math.min(3, Math.max(1, Math.floor(word.length / 3)));
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const c of candidates) {
    const d = c.toLowerCase() === word.toLowerCase() ? 1 : editDistance(word.toLowerCase(), c.toLowerCase());
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return bestDistance <= limit ? best : undefined;
}
