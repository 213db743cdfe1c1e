import type { MetricSource } from './metric.js';

/** A job to enqueue. */
export interface JobInput<P = unknown> {
  /** Any JSON value. */
  payload: P;
  /** Higher first; FIFO within a priority. An integer. @default 0 */
  priority?: number;
  /** Not claimed before this time (ms since epoch or a Date). @default now */
  runAt?: number | Date;
  /** Attempts before the job goes dead. @default 5 */
  maxAttempts?: number;
  /** At most one live (ready, delayed or running) job per key: enqueuing a duplicate returns the live job's id. */
  dedupKey?: string;
}

/** A job held by a worker under a lease. Pass it back to `complete`, `fail` or `extend`. */
export interface ClaimedJob<P = unknown> {
  id: string;
  payload: P;
  /** 1 on the first run, 2 on the first retry… */
  attempt: number;
  /** The lease token: proves this worker still holds the job. */
  token: string;
  /** When the lease expires (ms since epoch) unless extended. */
  leaseUntil: number;
}

/** What `complete`, `fail` and `extend` need: the job's id and its lease token. */
export type JobLease = Pick<ClaimedJob, 'id' | 'token'>;

/** Options of a claim. */
export interface ClaimOptions {
  /** Jobs to take at most, a positive integer. @default 1 */
  max?: number;
  /** Lease length in ms. @default 30_000 */
  leaseMs?: number;
}

/** Counts and counters of a queue. `enqueuedTotal` and `completedTotal` only grow, so rates can be derived. */
export interface QueueStats {
  ready: number;
  delayed: number;
  running: number;
  dead: number;
  /** Age of the oldest ready job in ms, 0 when none. */
  oldestReadyAgeMs: number;
  enqueuedTotal: number;
  completedTotal: number;
  /** Runs that started again after a lease was lost (worker died or lease expired). */
  redeliveredTotal: number;
}

const STAT_KEYS: Record<keyof QueueStats, true> = {
  ready: true,
  delayed: true,
  running: true,
  dead: true,
  oldestReadyAgeMs: true,
  enqueuedTotal: true,
  completedTotal: true,
  redeliveredTotal: true,
};

/**
 * The fields of {@link QueueStats}: the keys a queue's `metricSource()` gives and declares as its `keys` (each with
 * the prefix, when one is asked for).
 */
export const QUEUE_STAT_KEYS: readonly (keyof QueueStats)[] = Object.freeze(Object.keys(STAT_KEYS) as (keyof QueueStats)[]);

/**
 * An atomic claim queue: no job is ever held by two workers; a job whose lease expires goes back to ready
 * (or dead after `maxAttempts`); only the holder of a live lease may complete, fail or extend, and a stale
 * holder gets a FleetError with code `lease-lost`.
 * Delivery is at-least-once with exactly one successful `complete` per job.
 * Bad input (a payload that is not JSON, a non-integer priority, `max` < 1…) is refused with a FleetError
 * `invalid-input` naming the field, and changes nothing.
 */
export interface ClaimQueue<P = unknown> {
  /** Adds jobs; returns their ids in order (a dedup hit returns the live job's id). */
  enqueue(jobs: JobInput<P> | readonly JobInput<P>[]): Promise<string[]>;
  /** Takes up to `max` ready jobs (priority, then FIFO), each under a fresh lease. */
  claim(workerId: string, options?: ClaimOptions): Promise<ClaimedJob<P>[]>;
  /** Finishes a job. Throws `lease-lost` if the caller no longer holds it. */
  complete(job: JobLease): Promise<void>;
  /**
   * Optional: completes `job` and, only when that succeeded, claims up to `options.max` more for `workerId`, in one
   * round trip where the backend can. Refuses like `complete` (`lease-lost`: nothing completed, nothing claimed);
   * bad claim options are refused before anything changes. `runWorker` uses it when present, so a busy worker spends
   * one round trip per job instead of two. Equivalent to `complete(job)` then `claim(workerId, options)`.
   */
  completeAndClaim?(job: JobLease, workerId: string, options?: ClaimOptions): Promise<ClaimedJob<P>[]>;
  /** Fails an attempt: retried after `retryInMs` (or the queue's backoff), or dead after `maxAttempts`. */
  fail(job: JobLease, error: unknown, options?: { retryInMs?: number }): Promise<void>;
  /** Prolongs the lease; resolves to the new `leaseUntil`. Throws `lease-lost` if the caller no longer holds it. */
  extend(job: JobLease, leaseMs: number): Promise<number>;
  stats(): Promise<QueueStats>;
  /**
   * The queue's stats as a MetricSource for the Autoscaler: the QueueStats fields, prefixed if asked, declared as the
   * source's `keys` (`QUEUE_STAT_KEYS` from `@fleet/core`).
   */
  metricSource(options?: { prefix?: string }): MetricSource;
  /**
   * Optional: resolves when jobs may be ready (a NOTIFY, an enqueue) or after `timeoutMs`, whichever is first,
   * so idle workers do not busy-poll. Resolves (never rejects) when `signal` aborts.
   */
  waitForJobs?(timeoutMs: number, signal: AbortSignal): Promise<void>;
  /** Releases connections. */
  close(): Promise<void>;
}
