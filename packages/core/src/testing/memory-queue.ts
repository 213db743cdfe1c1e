import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { type Clock, systemClock } from '../clock.js';
import { errorText } from '../error-text.js';
import { fleetError, parseWith } from '../errors.js';
import type { MetricSource } from '../metric.js';
import { type ClaimQueue, type JobLease, QUEUE_STAT_KEYS, type QueueStats } from '../queue.js';
import { parseClaim, parseJobInputs, parseLease, parseMs } from '../queue-input.js';

/** Options of {@link memoryQueue}. */
export interface MemoryQueueOptions {
  /** Where time comes from: `runAt`, leases, backoff and `waitForJobs` all follow it. @default systemClock */
  clock?: Clock;
  /** Shown in errors and as the metric source's name. @default 'memory' */
  name?: string;
  /** Retry delay after a `fail` without `retryInMs`: `min(maxMs, baseMs × 2^(attempt-1))`, jittered down by up to half. @default { baseMs: 1000, maxMs: 60_000 } */
  backoff?: { baseMs: number; maxMs: number };
  /** `maxAttempts` of jobs that do not set one. @default 5 */
  defaultMaxAttempts?: number;
  /** Source of the backoff jitter, in [0, 1); `() => 0` makes the delays exact halves. @default Math.random */
  random?: () => number;
}

/** A job that used up its attempts, as {@link MemoryQueue.listDead} shows it. */
export interface DeadJob<P = unknown> {
  id: string;
  payload: P;
  /** Runs it had. */
  attempts: number;
  /** The last failure's message, or why its last lease ended. */
  lastError: string;
  /** When it died (ms since epoch). */
  diedAt: number;
  dedupKey?: string;
}

/** The in-memory ClaimQueue, with helpers to inspect and revive dead jobs. */
export interface MemoryQueue<P = unknown> extends ClaimQueue<P> {
  /** Dead jobs, oldest death first. */
  listDead(): Promise<DeadJob<P>[]>;
  /** Puts dead jobs (all when `ids` is omitted) back to ready with fresh attempts; returns the ids revived. A job whose `dedupKey` is live again stays dead. */
  requeueDead(ids?: readonly string[]): Promise<string[]>;
  /** Resolves on an enqueue, when a delayed job or a lease falls due, on abort, or after `timeoutMs`. Leaves no timer behind. */
  waitForJobs(timeoutMs: number, signal?: AbortSignal): Promise<void>;
}

interface Job {
  id: string;
  seq: number;
  /** Stored as JSON text, so every claim hands out a fresh copy, as a real queue would. */
  json: string;
  priority: number;
  runAt: number;
  maxAttempts: number;
  dedupKey: string | undefined;
  attempt: number;
  lease: { token: string; until: number } | undefined;
  /** Its last lease expired: the next run is a redelivery. */
  lost: boolean;
}

const SCOPE = 'core';
const optionsSchema = z.strictObject({
  clock: z.custom<Clock>((v) => typeof (v as Clock | undefined)?.now === 'function', 'expected a Clock').optional(),
  name: z.string().min(1).optional(),
  backoff: z.strictObject({ baseMs: z.number().finite().min(0), maxMs: z.number().finite().min(0) }).optional(),
  defaultMaxAttempts: z.number().int().min(1).optional(),
  random: z.custom<() => number>((v) => typeof v === 'function', 'expected a function').optional(),
});

/**
 * The in-memory ClaimQueue: the reference every real queue is compared to by {@link queueConformance}.
 * Order: higher `priority` first, then the job ready the longest (`runAt`), then enqueue order.
 * Expired leases are taken back at each claim (and `stats`): the job goes back to ready and its next run counts
 * in `redeliveredTotal`, or it goes dead after `maxAttempts`. Every bad call throws `invalid-input` and changes nothing.
 *
 * @example
 * const queue = memoryQueue<{ to: string }>({ clock });
 * await queue.enqueue({ payload: { to: 'a@b.c' }, priority: 1 });
 * const [job] = await queue.claim('worker-1', { leaseMs: 5_000 });
 */
export function memoryQueue<P = unknown>(options: MemoryQueueOptions = {}): MemoryQueue<P> {
  const o = parseWith(optionsSchema, options, SCOPE, 'memoryQueue() options');
  const clock = o.clock ?? systemClock;
  const name = o.name ?? 'memory';
  const { baseMs, maxMs } = o.backoff ?? { baseMs: 1_000, maxMs: 60_000 };
  const random = o.random ?? Math.random;
  const live = new Map<string, Job>();
  const dead = new Map<string, { job: Job; lastError: string; diedAt: number }>();
  const byKey = new Map<string, string>();
  const waiters = new Set<() => void>();
  const totals = { enqueuedTotal: 0, completedTotal: 0, redeliveredTotal: 0 };
  let seq = 0;

  const remove = (job: Job) => {
    live.delete(job.id);
    if (job.dedupKey !== undefined) byKey.delete(job.dedupKey);
  };
  const kill = (job: Job, lastError: string) => {
    remove(job);
    job.lease = undefined;
    dead.set(job.id, { job, lastError, diedAt: clock.now() });
  };
  const sweep = (now: number) => {
    for (const job of live.values()) {
      if (!job.lease || job.lease.until > now) continue;
      job.lease = undefined;
      job.lost = true;
      if (job.attempt >= job.maxAttempts) kill(job, `lease expired on attempt ${job.attempt} of ${job.maxAttempts}`);
    }
  };
  const wakeAll = () => {
    for (const wake of [...waiters]) wake();
  };
  /** The live job `lease` holds, or a `lease-lost` error saying why not. */
  const held = (lease: JobLease, action: string): Job => {
    const { id, token } = parseLease(lease, SCOPE, action);
    const job = live.get(id);
    const now = clock.now();
    let why = '';
    if (!job) why = dead.has(id) ? 'it is dead' : 'it is not live (completed, or never enqueued here)';
    else if (!job.lease) why = 'its lease expired and it went back to the queue';
    else if (job.lease.token !== token) why = 'the token is stale (its lease expired and the job was claimed again) or wrong';
    else if (job.lease.until <= now) why = `its lease expired ${now - job.lease.until} ms ago`;
    if (!job || why) throw fleetError(SCOPE, 'lease-lost', `queue "${name}": cannot ${action} job ${id}: ${why}`);
    return job;
  };
  const payloadOf = (job: Job) => JSON.parse(job.json) as P;
  /** Leases up to `max` ready jobs (after taking back expired leases). */
  const take = (max: number, leaseMs: number) => {
    const now = clock.now();
    sweep(now);
    const ready = [...live.values()]
      .filter((job) => !job.lease && job.runAt <= now)
      .sort((a, b) => b.priority - a.priority || a.runAt - b.runAt || a.seq - b.seq)
      .slice(0, max);
    return ready.map((job) => {
      const lease = { token: randomUUID(), until: now + leaseMs };
      job.attempt++;
      job.lease = lease;
      if (job.lost) totals.redeliveredTotal++;
      job.lost = false;
      return { id: job.id, payload: payloadOf(job), attempt: job.attempt, token: lease.token, leaseUntil: lease.until };
    });
  };
  const finish = (lease: JobLease) => {
    remove(held(lease, 'complete'));
    totals.completedTotal++;
  };

  const queue: MemoryQueue<P> = {
    async enqueue(jobs) {
      const inputs = parseJobInputs(jobs, SCOPE);
      const now = clock.now();
      const ids = inputs.map((input) => {
        const existing = input.dedupKey === undefined ? undefined : byKey.get(input.dedupKey);
        if (existing !== undefined) return existing;
        const id = String(++seq);
        live.set(id, {
          id,
          seq,
          json: JSON.stringify(input.payload),
          priority: input.priority ?? 0,
          runAt: input.runAt ?? now,
          maxAttempts: input.maxAttempts ?? o.defaultMaxAttempts ?? 5,
          dedupKey: input.dedupKey,
          attempt: 0,
          lease: undefined,
          lost: false,
        });
        if (input.dedupKey !== undefined) byKey.set(input.dedupKey, id);
        totals.enqueuedTotal++;
        return id;
      });
      wakeAll();
      return ids;
    },

    async claim(workerId, claimOptions) {
      const { max, leaseMs } = parseClaim(workerId, claimOptions, SCOPE);
      return take(max, leaseMs);
    },

    async complete(lease) {
      finish(lease);
    },

    async completeAndClaim(lease, workerId, claimOptions) {
      const { max, leaseMs } = parseClaim(workerId, claimOptions, SCOPE);
      finish(lease);
      return take(max, leaseMs);
    },

    async fail(lease, error, failOptions) {
      const retryInMs = failOptions?.retryInMs;
      if (retryInMs !== undefined) parseMs(retryInMs, SCOPE, 'fail() retryInMs', true);
      const job = held(lease, 'fail');
      const message = errorText(error);
      job.lease = undefined;
      if (job.attempt >= job.maxAttempts) return kill(job, message);
      const backoff = Math.min(maxMs, baseMs * 2 ** (job.attempt - 1));
      job.runAt = clock.now() + (retryInMs ?? Math.round(backoff / 2 + (random() * backoff) / 2));
    },

    async extend(lease, leaseMs) {
      const ms = parseMs(leaseMs, SCOPE, 'extend() leaseMs');
      const job = held(lease, 'extend');
      const until = clock.now() + ms;
      job.lease = { token: lease.token, until };
      return until;
    },

    async stats() {
      const now = clock.now();
      sweep(now);
      const stats: QueueStats = { ready: 0, delayed: 0, running: 0, dead: dead.size, oldestReadyAgeMs: 0, ...totals };
      for (const job of live.values()) {
        if (job.lease) stats.running++;
        else if (job.runAt > now) stats.delayed++;
        else {
          stats.ready++;
          stats.oldestReadyAgeMs = Math.max(stats.oldestReadyAgeMs, now - job.runAt);
        }
      }
      return stats;
    },

    metricSource({ prefix = '' } = {}): MetricSource {
      return {
        name: `memoryQueue(${name})`,
        keys: QUEUE_STAT_KEYS.map((key) => `${prefix}${key}`),
        async read(signal) {
          signal?.throwIfAborted();
          const stats = await queue.stats();
          return Object.fromEntries(Object.entries(stats).map(([key, value]) => [`${prefix}${key}`, value]));
        },
      };
    },

    async waitForJobs(timeoutMs, signal) {
      const now = clock.now();
      let due = now + parseMs(timeoutMs, SCOPE, 'waitForJobs() timeoutMs', true);
      for (const job of live.values()) due = Math.min(due, job.lease ? job.lease.until : job.runAt);
      if (due <= now || signal?.aborted) return;
      return new Promise((resolve) => {
        const wake = () => {
          clock.clearTimeout(timer);
          signal?.removeEventListener('abort', wake);
          waiters.delete(wake);
          resolve();
        };
        const timer = clock.setTimeout(wake, due - now);
        signal?.addEventListener('abort', wake, { once: true });
        waiters.add(wake);
      });
    },

    async listDead() {
      return [...dead.values()].map(({ job, lastError, diedAt }) => ({
        id: job.id,
        payload: payloadOf(job),
        attempts: job.attempt,
        lastError,
        diedAt,
        ...(job.dedupKey === undefined ? {} : { dedupKey: job.dedupKey }),
      }));
    },

    async requeueDead(ids) {
      const wanted = ids === undefined ? [...dead.keys()] : [...ids];
      const revived: string[] = [];
      for (const id of wanted) {
        const entry = dead.get(id);
        if (!entry || (entry.job.dedupKey !== undefined && byKey.has(entry.job.dedupKey))) continue;
        dead.delete(id);
        // A revived job keeps its id and payload but starts its attempts afresh, behind the jobs already waiting.
        live.set(id, { ...entry.job, seq: ++seq, runAt: clock.now(), attempt: 0, lost: false });
        if (entry.job.dedupKey !== undefined) byKey.set(entry.job.dedupKey, id);
        revived.push(id);
      }
      if (revived.length > 0) wakeAll();
      return revived;
    },

    async close() {
      wakeAll();
    },
  };
  return queue;
}
