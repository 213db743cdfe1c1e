import { hostname } from 'node:os';
import { z } from 'zod';
import { type Clock, systemClock } from '../clock.js';
import { MAX_TIMER_MS, tooLongForTimer } from '../duration.js';
import { parseWith } from '../errors.js';
import { consoleLogger, type Logger } from '../logger.js';
import type { ClaimedJob, ClaimQueue } from '../queue.js';

/** What a handler gets besides the job. */
export interface JobContext {
  /**
   * Aborted when the job's lease is lost, its time limit (`jobTimeoutMs`) passes or the drain times out: stop work,
   * the job will run elsewhere.
   */
  signal: AbortSignal;
  workerId: string;
}

/**
 * Runs one job; resolving completes it, throwing fails it (retried by the queue, or dead after `maxAttempts`).
 * Whatever is thrown (an Error or not) becomes an Error once, so the queue records a readable message.
 */
export type JobHandler<P> = (job: ClaimedJob<P>, context: JobContext) => Promise<void>;

/** Options of {@link runWorker}. */
export interface RunWorkerOptions<P = unknown> {
  queue: ClaimQueue<P>;
  handler: JobHandler<P>;
  /** Shown in the banner and logs, and passed to `claim`. @default process.env.WORKER_ID, else `${hostname}-${pid}` */
  workerId?: string;
  /** Jobs run at once. @default 1 */
  concurrency?: number;
  /**
   * Jobs claimed ahead and held (leased) while every slot is busy, so the next job starts without waiting for a
   * round trip to the queue. `'auto'`: as many as `concurrency` while handlers take under 10 ms on average (a job
   * held ahead then waits about one short handler), none while they are slower, so with long jobs an idle worker
   * elsewhere is never kept from a job this one holds. @default 'auto'
   */
  prefetch?: number | 'auto';
  /** Lease taken on each job, extended every `leaseMs / 2` while its handler runs. At most 2^31 − 1. @default 30_000 */
  leaseMs?: number;
  /**
   * How long one job's handler may run. Past it the handler's signal aborts, the job fails with a `timeout` error
   * (the queue retries it, or it is dead after `maxAttempts`), its lease is no longer extended and its slot takes
   * the next job; a handler that ignores its signal runs on in the background, its result ignored. `0` turns the
   * limit off. At most 2^31 − 1. @default 900_000 (15 minutes)
   */
  jobTimeoutMs?: number;
  /**
   * How long `stop()` waits for running handlers before aborting them and leaving their jobs to their lease.
   * At most 2^31 − 1. @default 25_000
   */
  drainTimeoutMs?: number;
  /** Idle wait between claims, used only when the queue has no `waitForJobs`. At most 2^31 − 1. @default 1_000 */
  pollMs?: number;
  /** @default systemClock */
  clock?: Clock;
  /** @default consoleLogger() */
  logger?: Logger;
  /**
   * Drain on SIGINT, SIGTERM, PM2's `shutdown` message, and when the IPC channel to the parent process closes (the
   * parent that forked this worker exited or was killed: nobody is left to stop it), also when it was already closed
   * as the worker started. A process that closes its own channel on purpose and then runs a worker sets this to
   * `false` and handles its signals itself. @default true
   */
  handleSignals?: boolean;
  /** After a drain that a signal started, `process.exit(0)`. A `stop()` you call never exits. @default true */
  exitAfterDrain?: boolean;
  /**
   * Logs a metrics line (done, failed, throughput, latency avg/max, rss, errors) this often; 0 turns it off.
   * At most 2^31 − 1. @default 0
   */
  statsIntervalMs?: number;
}

/** {@link RunWorkerOptions} with every default applied. */
export type ResolvedWorkerOptions<P> = Required<RunWorkerOptions<P>>;

const fn = (what: string) => z.custom<never>((v) => typeof v === 'function', `expected ${what}`);
const queueSchema = z.custom<ClaimQueue>(
  (q) => ['claim', 'complete', 'fail', 'extend'].every((m) => typeof (q as Record<string, unknown> | null)?.[m] === 'function'),
  'expected a ClaimQueue: { claim, complete, fail, extend, … }',
);
/** A duration that ends in a timer: Node fires a longer one after 1 ms, so it is refused here. */
const ms = z.number().finite().min(0).max(MAX_TIMER_MS, tooLongForTimer);

const schema = z.strictObject({
  queue: queueSchema,
  handler: fn('a function (job, { signal, workerId }) => Promise<void>'),
  workerId: z.string().min(1, 'expected a non-empty worker id').optional(),
  concurrency: z.number().int().min(1).default(1),
  prefetch: z.union([z.literal('auto'), z.number().int().min(0)], "expected 'auto' or a whole number ≥ 0").default('auto'),
  leaseMs: ms.min(10).default(30_000),
  jobTimeoutMs: ms.default(15 * 60_000),
  drainTimeoutMs: ms.default(25_000),
  pollMs: ms.positive().default(1_000),
  clock: z.custom<Clock>((c) => typeof (c as Clock | null)?.setTimeout === 'function', 'expected a Clock').optional(),
  logger: z.custom<Logger>((l) => typeof (l as Logger | null)?.info === 'function', 'expected a Logger').optional(),
  handleSignals: z.boolean().default(true),
  exitAfterDrain: z.boolean().default(true),
  statsIntervalMs: ms.default(0),
});

/** Validates the options (a FleetError `invalid-options` naming the field) and applies the defaults. */
export function resolveWorkerOptions<P>(options: RunWorkerOptions<P>): ResolvedWorkerOptions<P> {
  const o = parseWith(schema, options, 'core', 'runWorker() options');
  return {
    ...o,
    queue: options.queue,
    handler: options.handler,
    workerId: o.workerId ?? (process.env.WORKER_ID || `${hostname()}-${process.pid}`),
    clock: o.clock ?? systemClock,
    logger: o.logger ?? consoleLogger(),
  };
}

/** `30s`, `1.5s`, `250ms`: for the banner. */
export function formatMs(ms: number): string {
  return ms >= 1_000 ? `${Number((ms / 1_000).toFixed(2))}s` : `${ms}ms`;
}
