/**
 * Edit distance with adjacent transpositions (optimal string alignment): `cooldwon` → `cooldown` is one edit, as
 * a person typing sees it, where plain Levenshtein counts two.
 */
function editDistance(a: string, b: string): number {
  const rows: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) (rows[0] as number[])[j] = j;
  for (let i = 1; i <= a.length; i++) {
    const row = rows[i] as number[];
    const up = rows[i - 1] as number[];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      row[j] = Math.min((up[j] as number) + 1, (row[j - 1] as number) + 1, (up[j - 1] as number) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        row[j] = Math.min(row[j] as number, ((rows[i - 2] as number[])[j - 2] as number) + 1);
    }
  }
  return (rows[a.length] as number[])[b.length] as number;
}

/**
 * The known name closest to `given`, when one is close enough to be the name meant: the same name in another case,
 * or at most two edits away (a letter added, dropped, changed, or two neighbours swapped) and fewer edits than
 * `given` has letters, so `x` suggests nothing. On a tie, the first in `known` wins. Undefined when nothing is close.
 *
 * @example didYouMean('cooldwon', ['cooldown', 'stabilization']) // 'cooldown'
 */
export function didYouMean(given: string, known: Iterable<string>): string | undefined {
  let best: { name: string; distance: number } | undefined;
  for (const name of known) {
    if (name === given) continue;
    if (name.toLowerCase() === given.toLowerCase()) return name;
    const distance = editDistance(given, name);
    if (distance <= 2 && distance < given.length && (!best || distance < best.distance)) best = { name, distance };
  }
  return best?.name;
}

/**
 * `` (did you mean `perWorker`?)`` when {@link didYouMean} finds a name in `known` close to `given`, else an empty
 * string: the suggestion as every message that names a typo phrases it.
 *
 * @example `unknown key \`${key}\`${didYouMeanText(key, known)}`
 */
export function didYouMeanText(given: string, known: Iterable<string>): string {
  const close = didYouMean(given, known);
  return close === undefined ? '' : ` (did you mean \`${close}\`?)`;
}

/**
 * How an option error names a key that is not one of `known`: ``unknown key `perWroker` (did you mean `perWorker`?)``,
 * or, with nothing close, the known keys when there are at most eight of them.
 */
export function unknownKeyText(key: string, known: readonly string[]): string {
  const hint = didYouMeanText(key, known);
  if (hint !== '') return `unknown key \`${key}\`${hint}`;
  if (known.length > 0 && known.length <= 8) return `unknown key \`${key}\` (expected ${known.map((k) => `\`${k}\``).join(', ')})`;
  return `unknown key \`${key}\``;
}
