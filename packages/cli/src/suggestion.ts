import { didYouMean } from '@fleet/core';

/** `` (did you mean `cooldown`?)`` when core's {@link didYouMean} finds a name close to `word`, else an empty string. */
export function suggestion(word: string, candidates: Iterable<string>): string {
  const match = didYouMean(word, candidates);
  return match === undefined ? '' : ` (did you mean \`${match}\`?)`;
}
