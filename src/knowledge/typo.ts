/**
 * Typo tolerance for single syllables: phone keyboards swap and drop letters ("dihn" for "dinh",
 * "chuyn" for "chuyen"). Optimal string alignment distance counts a swap of neighbours as one edit,
 * which plain Levenshtein counts as two.
 */

/** Edit distance with adjacent transpositions; stops early once `max` is exceeded. */
export function typoDistance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  const rows: number[][] = [];
  for (let i = 0; i <= a.length; i++) rows.push(new Array<number>(b.length + 1).fill(0));
  for (let i = 0; i <= a.length; i++) rows[i]![0] = i;
  for (let j = 0; j <= b.length; j++) rows[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    let rowMin = Infinity;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(rows[i - 1]![j]! + 1, rows[i]![j - 1]! + 1, rows[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        d = Math.min(d, rows[i - 2]![j - 2]! + 1);
      rows[i]![j] = d;
      rowMin = Math.min(rowMin, d);
    }
    if (rowMin > max) return max + 1;
  }
  return rows[a.length]![b.length]!;
}

/**
 * How many typos a syllable of this length may carry: none for short syllables, where one edit
 * turns one real word into another ("xa" → "xe"), one from four letters, two from nine. Callers only
 * apply it to syllables the knowledge base does not know, so a real word is never "corrected".
 */
export function typoBudget(term: string): number {
  if (/^\d+$/.test(term)) return 0;
  if (term.length >= 9) return 2;
  if (term.length >= 4) return 1;
  return 0;
}

/**
 * Whether two equally long syllables differ only by letters swapped ("dihn"/"dinh"). For four-letter
 * syllables only such swaps and dropped or doubled letters count as typos: a replaced letter is as
 * likely another real word ("chao" is not "chap", "binh" is not "tinh").
 */
export function isSwap(a: string, b: string): boolean {
  return a.length === b.length && a !== b && [...a].sort().join("") === [...b].sort().join("");
}

const KEY_ROWS = ["qwertyuiop", "asdfghjkl", "zxcvbnm"];

/** Whether `key` sits next to `other` on a QWERTY phone keyboard (same row, one key apart). */
function neighbourKeys(key: string, other: string): boolean {
  return KEY_ROWS.some((row) => {
    const i = row.indexOf(key);
    const j = row.indexOf(other);
    return i >= 0 && j >= 0 && Math.abs(i - j) === 1;
  });
}

/** Whether two equally long syllables differ by one letter typed with the key next to it ("lonh"/"long"). */
export function isNeighbourKeySlip(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  const diffs = [...a].map((c, i) => [c, b[i]!] as const).filter(([x, y]) => x !== y);
  return diffs.length === 1 && neighbourKeys(diffs[0]![0], diffs[0]![1]);
}

/**
 * Whether `a` and `b` are at most one edit apart (a letter replaced, added, dropped, or two
 * neighbours swapped): the same answer as `typoDistance(a, b, 1) <= 1`, in one pass without tables.
 */
export function withinOneEdit(a: string, b: string): boolean {
  if (a === b) return true;
  const la = a.length;
  const lb = b.length;
  if (Math.abs(la - lb) > 1) return false;
  let i = 0;
  while (i < la && i < lb && a[i] === b[i]) i++;
  if (la === lb) {
    if (a.slice(i + 1) === b.slice(i + 1)) return true;
    return i + 1 < la && a[i] === b[i + 1] && a[i + 1] === b[i] && a.slice(i + 2) === b.slice(i + 2);
  }
  return la > lb ? a.slice(i + 1) === b.slice(i) : a.slice(i) === b.slice(i + 1);
}
