import { MAX_TIMER_MS } from '@fleet/core';
import { z } from 'zod';

/**
 * A duration option that ends in a Node timer or a PostgreSQL interval: positive (or 0 with `zeroOk`) and at most
 * {@link MAX_TIMER_MS} (a longer `setTimeout` fires after 1 ms), so an absurd value is an `invalid-options` naming
 * the field, not a driver error or a timer that fires at once.
 */
export const timerMs = ({ zeroOk = false } = {}) =>
  (zeroOk ? z.number().finite().min(0) : z.number().finite().positive()).max(
    MAX_TIMER_MS,
    `at most ${MAX_TIMER_MS} ms (about 24.8 days, the longest delay Node's timers support)`,
  );

/** Text the database stores in a `text` column: non-empty and without NUL, which PostgreSQL's `text` cannot hold. */
export const storedText = (what: string) =>
  z
    .string()
    .min(1, `expected a non-empty ${what}`)
    .refine((v) => !v.includes('\0'), `expected a ${what} without NUL characters`);

/**
 * `text` as PostgreSQL's `text` can hold it: each NUL character becomes U+FFFD (the replacement character). For
 * diagnostics we store rather than refuse, such as the error text of a `fail`.
 */
export function withoutNul(text: string): string {
  return text.includes('\0') ? text.replaceAll('\0', '\uFFFD') : text;
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Whether `text` holds half of a UTF-16 surrogate pair. The driver sends it as U+FFFD, so the database stores and
 * returns another string than the one given: for a key the queue matches on (`dedupKey`), that is refused.
 */
export function hasLoneSurrogate(text: string): boolean {
  return LONE_SURROGATE.test(text);
}
