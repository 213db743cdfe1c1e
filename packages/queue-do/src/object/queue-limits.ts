/**
 * What a job and a claim may hold, the same bounds as `QUEUE_LIMITS` and `MAX_TIMER_MS` of `@fleet/core`, so the
 * Node client and the object refuse the same values. Repeated here because the Worker side must not import core's
 * root (it pulls in Node built-ins a Worker bundle cannot resolve); a test checks the two agree.
 */
export const OBJECT_LIMITS = {
  minPriority: -(2 ** 31),
  maxPriority: 2 ** 31 - 1,
  maxAttempts: 1_000_000,
  /** The last ms of year 9999. */
  maxRunAt: Date.UTC(9999, 11, 31, 23, 59, 59, 999),
  maxClaim: 1_000,
  /** Node's longest timer, 2^31 − 1 ms: the longest lease, retry delay or backoff. */
  maxLeaseMs: 2 ** 31 - 1,
} as const;
