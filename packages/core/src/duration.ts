/**
 * The longest delay Node's timers honour: 2^31 − 1 ms, about 24.8 days. A longer `setTimeout` fires after 1 ms
 * (with a warning), so every duration option that ends in a timer is bounded by this, and the error names the field.
 */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/** The message zod shows for a duration above {@link MAX_TIMER_MS}. */
export const tooLongForTimer = `at most ${MAX_TIMER_MS} ms (about 24.8 days, the longest delay Node's timers support)`;
