import {
  type ClaimedJob,
  type ClaimQueue,
  fleetError,
  type MetricSource,
  parseClaim,
  parseJobInputs,
  parseLease,
  parseMs,
  parseWith,
  QUEUE_STAT_KEYS,
  type QueueStats,
} from '@fleet/core';
import { z } from 'zod';
import type { DeadJob } from '../object/dead-sql.js';
import { newRequestId } from '../object/request-id.js';
import { CompletionBatcher } from './completions.js';
import { call, type HttpSettings } from './http.js';
import { waitForJobs } from './wait.js';

/** Options of {@link doQueue}. */
export interface DoQueueOptions {
  /** Where your Worker serves the queue API (`routeQueue`'s `basePath`), e.g. `https://jobs.example.com/queues`. */
  url: string;
  /** The bearer token the object expects (its `FLEET_QUEUE_TOKEN` secret). */
  token: string;
  /** The queue's name: one Durable Object per name. */
  queue: string;
  /** Time limit of one HTTP request, in ms. @default 10_000 */
  timeoutMs?: number;
  /** Further tries after a network error, a timeout, a 429 or a 5xx. Safe: every mutation carries an idempotency key. @default 3 */
  retries?: number;
  /** First retry delay, doubled each time and jittered. @default 200 */
  retryDelayMs?: number;
  /** The fetch to use. @default globalThis.fetch */
  fetch?: typeof fetch;
}

/** A ClaimQueue served by a `QueueObject`, with the object's dead-job tools and a long-poll `waitForJobs`. */
export interface DoQueue<P = unknown> extends ClaimQueue<P> {
  /** Dead jobs, oldest death first; `limit` at most 1,000. @default { limit: 100, offset: 0 } */
  listDead(options?: { limit?: number; offset?: number }): Promise<DeadJob<P>[]>;
  /**
   * Puts dead jobs (all when `ids` is omitted) back to ready with fresh attempts; a job whose `dedupKey` is live
   * again stays dead. Returns the ids revived.
   */
  requeueDead(ids?: readonly string[]): Promise<string[]>;
  /**
   * Long-polls the object (`POST /wait`, at most 30 s a request): resolves as soon as a job may be ready (an enqueue,
   * a fail, a requeue, a delayed job or an expired lease falling due), after `timeoutMs`, or when `signal` aborts.
   * Never rejects: after a failed request it waits a little and resolves, and the next claim reports the failure.
   */
  waitForJobs(timeoutMs: number, signal?: AbortSignal): Promise<void>;
}

const SCOPE = 'queue-do';
const ID = /^[1-9][0-9]{0,15}$/;
const optionsSchema = z.strictObject({
  url: z.url({ protocol: /^https?$/, error: 'expected an http(s) URL' }),
  token: z.string().min(1, 'expected a non-empty token'),
  queue: z.string().regex(/^[A-Za-z0-9._~:@-]{1,128}$/, 'expected 1-128 characters of A-Z a-z 0-9 . _ ~ : @ -'),
  timeoutMs: z.number().finite().positive().optional(),
  retries: z.number().int().min(0).optional(),
  retryDelayMs: z.number().finite().min(0).optional(),
  fetch: z.custom<typeof fetch>((v) => typeof v === 'function', 'expected a function').optional(),
});

/**
 * A ClaimQueue backed by a `QueueObject` (from `@fleet/queue-do/worker`) Durable Object, over its HTTP API. Input is validated here (as
 * every `@fleet` queue does) and again by the object. Each mutation carries an idempotency key, so a request retried
 * after a timeout never claims twice: the retry gets the leases the first attempt took. Completes issued in the
 * same turn of the event loop (`await Promise.all(jobs.map((job) => queue.complete(job)))`) go in one request.
 *
 * @example
 * const queue = doQueue({ url: 'https://jobs.example.com/queues', token: process.env.QUEUE_TOKEN!, queue: 'mail' });
 * const [job] = await queue.claim('worker-1', { leaseMs: 60_000 });
 */
export function doQueue<P = unknown>(options: DoQueueOptions): DoQueue<P> {
  const o = parseWith(optionsSchema, options, SCOPE, 'doQueue() options');
  const http: HttpSettings = {
    base: `${o.url.replace(/\/+$/, '')}/${encodeURIComponent(o.queue)}`,
    token: o.token,
    timeoutMs: o.timeoutMs ?? 10_000,
    retries: o.retries ?? 3,
    retryDelayMs: o.retryDelayMs ?? 200,
    fetch: o.fetch ?? globalThis.fetch,
    scope: `queue "${o.queue}"`,
  };
  const post = <T>(action: string, body: Record<string, unknown>) => call<T>(http, 'POST', action, { ...body, requestId: newRequestId() });
  const completions = new CompletionBatcher(
    async ({ id, token }) => {
      await post('complete', { id, token });
    },
    async (jobs) => (await post<{ results: { ok: boolean; code?: string; message?: string }[] }>('complete-batch', { jobs })).results,
    http.scope,
  );

  const queue: DoQueue<P> = {
    async enqueue(jobs) {
      const parsed = parseJobInputs(jobs, SCOPE);
      return (await post<{ ids: string[] }>('enqueue', { jobs: parsed })).ids;
    },
    async claim(workerId, claimOptions) {
      const { max, leaseMs } = parseClaim(workerId, claimOptions, SCOPE);
      return (await post<{ jobs: ClaimedJob<P>[] }>('claim-next', { workerId, max, leaseMs })).jobs;
    },
    async complete(job) {
      const { id, token } = parseLease(job, SCOPE, 'complete');
      await completions.add({ id, token });
    },
    async fail(job, error, failOptions) {
      const retryInMs = failOptions?.retryInMs;
      if (retryInMs !== undefined) parseMs(retryInMs, SCOPE, 'fail() retryInMs', true);
      const { id, token } = parseLease(job, SCOPE, 'fail');
      const message = (error instanceof Error ? error.message : String(error)).slice(0, 65_536);
      await post('fail', { id, token, error: message, ...(retryInMs === undefined ? {} : { retryInMs }) });
    },
    async extend(job, leaseMs) {
      const ms = parseMs(leaseMs, SCOPE, 'extend() leaseMs');
      const { id, token } = parseLease(job, SCOPE, 'extend');
      return (await post<{ leaseUntil: number }>('extend', { id, token, leaseMs: ms })).leaseUntil;
    },
    async stats() {
      return (await call<{ stats: QueueStats }>(http, 'GET', 'stats')).stats;
    },
    metricSource({ prefix = '' } = {}): MetricSource {
      return {
        name: `doQueue(${o.queue})`,
        keys: QUEUE_STAT_KEYS.map((key) => `${prefix}${key}`),
        async read(signal) {
          const { stats } = await call<{ stats: QueueStats }>(http, 'GET', 'stats', undefined, signal);
          const at = Date.now();
          return Object.fromEntries(Object.entries(stats).map(([key, value]) => [`${prefix}${key}`, { value, at }]));
        },
      };
    },
    waitForJobs: (timeoutMs, signal) => waitForJobs(http, parseMs(timeoutMs, SCOPE, 'waitForJobs() timeoutMs', true), signal),
    async listDead({ limit = 100, offset = 0 } = {}) {
      if (!Number.isInteger(limit) || limit < 1 || limit > 1_000)
        throw fleetError(SCOPE, 'invalid-input', `invalid listDead() limit: expected an integer from 1 to 1000, got ${String(limit)}`);
      if (!Number.isInteger(offset) || offset < 0)
        throw fleetError(SCOPE, 'invalid-input', `invalid listDead() offset: expected an integer >= 0, got ${String(offset)}`);
      return (await call<{ jobs: DeadJob<P>[] }>(http, 'POST', 'list-dead', { limit, offset })).jobs;
    },
    async requeueDead(ids) {
      if (ids !== undefined && !(Array.isArray(ids) && ids.every((id) => typeof id === 'string'))) {
        throw fleetError(SCOPE, 'invalid-input', 'invalid requeueDead() ids: expected an array of job id strings');
      }
      // An id the queue cannot have given is not dead here: nothing to revive.
      const wanted = ids?.filter((id) => ID.test(id));
      if (wanted !== undefined && wanted.length === 0) return [];
      return (await post<{ ids: string[] }>('requeue-dead', wanted === undefined ? {} : { ids: wanted })).ids;
    },
    async close() {},
  };
  return queue;
}
