import { createHash } from 'node:crypto';
import {
  type ClaimedJob,
  type ClaimOptions,
  type ClaimQueue,
  errorText,
  fleetError,
  type JobLease,
  type MetricSource,
  parseClaim,
  parseJobInputs,
  parseLease,
  parseMs,
  QUEUE_STAT_KEYS,
  type QueueStats,
} from '@fleet/core';
import type pg from 'pg';
import { hasLoneSurrogate, withoutNul } from './bounds.js';
import { CompleteBatcher } from './complete-batcher.js';
import { isJobId, isLeaseToken } from './job-id.js';
import { Listener, listenClient } from './listener.js';
import { migrateSchema } from './migrate.js';
import { type PostgresQueueOptions, resolveQueueOptions } from './options.js';
import { failedOnData } from './statement-errors.js';
import { type Statements, statements } from './statements.js';

const SCOPE = 'queue-postgres';

/** A job that used up its attempts, as {@link PostgresQueue.listDead} shows it. */
export interface DeadJob<P = unknown> {
  id: string;
  payload: P;
  /** Runs it had. */
  attempts: number;
  /** The last failure's message, or why its last lease ended. */
  lastError: string | null;
  /** When it died (ms since epoch). */
  diedAt: number;
  dedupKey?: string;
}

/** A ClaimQueue on PostgreSQL, with its migration and dead-job tools. */
export interface PostgresQueue<P = unknown> extends ClaimQueue<P> {
  /** The queue's name. */
  readonly name: string;
  /**
   * Completes `job` and, only when that succeeded, claims up to `max` more, in one statement; completes that arrive
   * in the same turn of the event loop (from any worker on this queue) share that statement. `runWorker` uses it.
   */
  completeAndClaim(job: JobLease, workerId: string, options?: ClaimOptions): Promise<ClaimedJob<P>[]>;
  /** Creates or upgrades the tables (idempotent, versioned, safe to run from many processes at once). Returns the versions applied. */
  migrate(): Promise<number[]>;
  /** Dead jobs, oldest death first. @default { limit: 100, offset: 0 } */
  listDead(options?: { limit?: number; offset?: number }): Promise<DeadJob<P>[]>;
  /** Puts dead jobs (all when `ids` is omitted) back to ready with fresh attempts and their ids; a job whose `dedupKey` is live again stays dead. Returns the ids revived. */
  requeueDead(ids?: readonly string[]): Promise<string[]>;
  /** Resolves on a NOTIFY for this queue, when a delayed job or a lease falls due, on abort, or after `timeoutMs`. */
  waitForJobs(timeoutMs: number, signal?: AbortSignal): Promise<void>;
  /** Deletes every job, dead job, archived job and counter of this queue. For tests and resets. */
  purge(): Promise<void>;
}

const listeners = new WeakMap<pg.Pool, Map<string, { listener: Listener; users: number }>>();

/**
 * A ClaimQueue on PostgreSQL. Every statement stands alone (no transaction across statements, no session state but
 * the named prepared statements, which `prepare: false` turns off), so the pool may go through a transaction-mode
 * pooler; only LISTEN needs a session (`listenConnectionString`).
 * Run `migrate()` once before use (at deploy or start-up: it is idempotent).
 *
 * @example
 * const queue = postgresQueue({ connectionString: process.env.DATABASE_URL, queue: 'replies' });
 * await queue.migrate();
 * await queue.enqueue({ payload: { chatId: 42 } });
 * runWorker({ queue, concurrency: 4, handler: async (job) => reply(job.payload) });
 */
export function postgresQueue<P = unknown>(options: PostgresQueueOptions): PostgresQueue<P> {
  const o = resolveQueueOptions(options);
  const { pool, queue: name, logger } = o;
  const channel = `${o.schema}_jobs`;
  const sql: Statements = statements(o.schema, channel, o.archive);
  if (o.ownsPool)
    pool.on('error', (error) => logger.warn({ err: error }, `[fleet] [queue-postgres] idle connection failed: ${error.message}`));
  // Queues on one pool share one LISTEN connection per schema, released when the last of them closes.
  const byChannel = listeners.get(pool) ?? new Map<string, { listener: Listener; users: number }>();
  listeners.set(pool, byChannel);
  const shared = byChannel.get(channel) ?? {
    listener: new Listener(listenClient(pool, o.listenConnectionString), channel, logger),
    users: 0,
  };
  shared.users++;
  byChannel.set(channel, shared);
  const ownListener = shared.listener;
  let closed = false;

  // Named by a hash of the text: two releases with different SQL never share a name on a pooled connection.
  const names = new Map(
    Object.entries(sql).map(([key, text]) => [text, `fleet_${key}_${createHash('sha1').update(text).digest('hex').slice(0, 16)}`]),
  );
  const query = <R extends pg.QueryResultRow>(text: string, values: unknown[]) =>
    pool.query<R>(o.prepare ? { name: names.get(text), text, values } : { text, values });

  type Row = { id: string; payload: P; attempt: number; token: string; lease_until: number };
  type ClaimRow = Row & { slot: string | null; spent: number | null };
  /** Claims report the spent expired jobs they saw and left out: bury them now, before the claim returns. */
  const buryIfSpent = async (rows: ClaimRow[]) => {
    const spent = rows.find((row) => row.slot === null)?.spent ?? 0;
    // The claim is done either way: a failed bury is left to the next claim that sees the same jobs.
    if (spent > 0)
      await query(sql.bury, [name, spent]).catch((error: unknown) =>
        logger.warn({ err: error }, `[fleet] [queue-postgres] queue "${name}": burying spent jobs failed: ${String(error)}`),
      );
  };
  /** The claimed jobs of a claim's rows, best first. */
  const claimedJobs = (rows: ClaimRow[]) => rows.filter((row) => row.slot !== null).sort((a, b) => Number(a.slot) - Number(b.slot));
  const toJob = (r: Row): ClaimedJob<P> => ({
    id: r.id,
    payload: r.payload,
    attempt: r.attempt,
    token: r.token,
    leaseUntil: r.lease_until,
  });
  // Claims and completes that arrive together go as one statement (group commit: see CompleteBatcher); one that
  // fails on its data is sent again in halves, so one caller's bad value fails only that caller.
  const completer = new CompleteBatcher<ClaimedJob<P>>(
    async (requests) => {
      // Ids and tokens were checked by isJobId and isLeaseToken: their array literals need no quoting.
      const completes = requests.filter((r) => r.id !== null);
      const ids = `{${completes.map((r) => r.id).join(',')}}`;
      const tokens = `{${completes.map((r) => r.token).join(',')}}`;
      const claimers = requests.filter((r) => r.want > 0);
      if (claimers.length === 0) {
        const { rows } = await query<{ done: string[] }>(sql.complete, [name, ids, tokens, o.archive]);
        return { done: new Set(rows[0]?.done), claimed: new Map() };
      }
      // One entry per claimer, with how many it wants: the statement sizes its work by the jobs it finds.
      const { rows } = await query<ClaimRow & { done: string[] | null }>(sql.completeClaim, [
        name,
        ids,
        tokens,
        o.archive,
        `{${claimers.map((r) => r.id ?? 'NULL').join(',')}}`,
        textArray(claimers.map((r) => r.workerId)),
        `{${claimers.map((r) => r.leaseMs).join(',')}}`,
        `{${claimers.map((r) => r.want).join(',')}}`,
      ]);
      await buryIfSpent(rows);
      const done = new Set(rows.find((row) => row.slot === null)?.done);
      const jobs = claimedJobs(rows);
      const claimed = new Map<number, ClaimedJob<P>[]>();
      let next = 0;
      requests.forEach((r, i) => {
        if (r.want === 0 || (r.id !== null && !done.has(r.id))) return;
        claimed.set(i, jobs.slice(next, next + r.want).map(toJob));
        next += r.want;
      });
      return { done, claimed };
    },
    500,
    failedOnData,
  );

  /** The `lease-lost` error for a lease check that failed, saying why. */
  const leaseLost = async (action: string, lease: JobLease, given: { id: string; token: string }) => {
    let why = 'it is not live (completed, or never enqueued here)';
    if (isJobId(given.id)) {
      const { rows } = await query<{ state: string; token: string | null; lease_left_ms: number | null }>(sql.inspect, [name, given.id]);
      const row = rows[0];
      if (row?.state === 'dead') why = 'it is dead';
      else if (row && row.token === null) why = 'its lease expired and it went back to the queue';
      else if (row && row.token !== given.token) why = 'the token is stale (its lease expired and the job was claimed again) or wrong';
      else if (row) why = `its lease expired ${Math.round(-(row.lease_left_ms ?? 0))} ms ago`;
    }
    return fleetError(SCOPE, 'lease-lost', `queue "${name}": cannot ${action} job ${lease.id}: ${why}`);
  };
  /** Validates a lease; returns it, or undefined when it cannot name a live job (so the caller refuses it). */
  const checkLease = (lease: JobLease, action: string) => {
    const given = parseLease(lease, SCOPE, action);
    return { given, usable: isJobId(given.id) && isLeaseToken(given.token) };
  };

  const queue: PostgresQueue<P> = {
    name,

    migrate: () => migrateSchema(pool, o.schema),

    async enqueue(jobs) {
      const inputs = parseJobInputs(jobs, SCOPE);
      // The ids of keyed jobs are matched by the key the database gives back, which must be the key we sent.
      const badKey = inputs.findIndex((job) => job.dedupKey !== undefined && hasLoneSurrogate(job.dedupKey));
      if (badKey >= 0) {
        const where = Array.isArray(jobs) ? `enqueue() jobs: ${badKey}.dedupKey` : 'enqueue() job: dedupKey';
        throw fleetError(SCOPE, 'invalid-input', `invalid ${where}: expected well-formed Unicode text, got a lone surrogate`);
      }
      // Duplicates within the batch map to the first job with the key; the database sees each key once.
      const firstOfKey = new Map<string, number>();
      const rows: number[] = [];
      inputs.forEach((job, i) => {
        if (job.dedupKey !== undefined && firstOfKey.has(job.dedupKey)) return;
        if (job.dedupKey !== undefined) firstOfKey.set(job.dedupKey, i);
        rows.push(i);
      });
      const pick = <T>(f: (job: (typeof inputs)[number]) => T) => rows.map((i) => f(inputs[i] as (typeof inputs)[number]));
      const result = await query<{ id: string | null; dedup_key: string | null; new: boolean | null }>(sql.enqueue, [
        name,
        pick((job) => JSON.stringify(job.payload)),
        pick((job) => job.priority ?? 0),
        pick((job) => job.runAt ?? null),
        pick((job) => job.maxAttempts ?? o.defaultMaxAttempts),
        pick((job) => job.dedupKey ?? null),
      ]);
      const fresh = result.rows.filter((row) => row.new === true);
      const live = new Map(result.rows.filter((row) => row.new === false).map((row) => [row.dedup_key, row.id]));
      const keyed = new Map(fresh.filter((row) => row.dedup_key !== null).map((row) => [row.dedup_key, row.id]));
      const plain = fresh.filter((row) => row.dedup_key === null).map((row) => row.id);
      let next = 0;
      const ids = inputs.map((job) => {
        if (job.dedupKey === undefined) return plain[next++];
        return keyed.get(job.dedupKey) ?? live.get(job.dedupKey);
      });
      if (ids.some((id) => id === undefined || id === null)) {
        // The live job of a key finished between our snapshot and our insert: enqueue those jobs again.
        const missing = inputs.filter((_, i) => ids[i] === undefined || ids[i] === null);
        const again = await queue.enqueue(missing);
        let k = 0;
        return ids.map((id) => (id === undefined || id === null ? (again[k++] as string) : id));
      }
      return ids as string[];
    },

    async claim(workerId, claimOptions) {
      const { max, leaseMs } = parseClaim(workerId, claimOptions, SCOPE);
      // Through the batcher: the claims and completes of every worker on this queue share one statement at a time.
      return (await completer.submit({ id: null, token: null, want: max, workerId, leaseMs })).jobs;
    },

    async complete(lease) {
      const { given, usable } = checkLease(lease, 'complete');
      const result = usable ? await completer.submit({ id: given.id, token: given.token, want: 0, workerId: '', leaseMs: 0 }) : undefined;
      if (!result?.done) throw await leaseLost('complete', lease, given);
    },

    async completeAndClaim(lease, workerId, claimOptions) {
      const { max, leaseMs } = parseClaim(workerId, claimOptions, SCOPE);
      const { given, usable } = checkLease(lease, 'complete');
      const result = usable ? await completer.submit({ id: given.id, token: given.token, want: max, workerId, leaseMs }) : undefined;
      if (!result?.done) throw await leaseLost('complete', lease, given);
      return result.jobs;
    },

    async fail(lease, error, failOptions) {
      const retryInMs = failOptions?.retryInMs;
      if (retryInMs !== undefined) parseMs(retryInMs, SCOPE, 'fail() retryInMs', true);
      const { given, usable } = checkLease(lease, 'fail');
      // Stored, never refused: the text of any thrown value, secrets redacted, NUL (which `text` cannot hold) replaced.
      const message = withoutNul(errorText(error).slice(0, 10_000));
      const values = [name, given.id, given.token, message, retryInMs ?? null, o.backoff.baseMs, o.backoff.maxMs];
      const { rowCount } = usable ? await query(sql.fail, values) : { rowCount: 0 };
      if (rowCount !== 1) throw await leaseLost('fail', lease, given);
    },

    async extend(lease, leaseMs) {
      const ms = parseMs(leaseMs, SCOPE, 'extend() leaseMs');
      const { given, usable } = checkLease(lease, 'extend');
      const { rows } = usable ? await query<{ lease_until: number }>(sql.extend, [name, given.id, given.token, ms]) : { rows: [] };
      if (!rows[0]) throw await leaseLost('extend', lease, given);
      return rows[0].lease_until;
    },

    async stats() {
      const { rows } = await query<Record<string, number | null>>(sql.stats, [name]);
      const r = rows[0] ?? {};
      const n = (key: string) => r[key] ?? 0;
      const live = n('enqueued') - n('completed') - n('died') + n('revived');
      const dead = n('died') - n('revived') + n('spent');
      const running = n('running');
      const delayed = n('delayed');
      const oldest = Math.min(r.oldest ?? Number.POSITIVE_INFINITY, r.oldest_expired ?? Number.POSITIVE_INFINITY);
      return {
        ready: Math.max(0, live - running - delayed - n('spent')),
        delayed,
        running,
        dead,
        oldestReadyAgeMs: Number.isFinite(oldest) ? Math.max(0, n('now') - oldest) : 0,
        enqueuedTotal: n('enqueued'),
        completedTotal: n('completed'),
        redeliveredTotal: n('redelivered'),
      } satisfies QueueStats;
    },

    metricSource({ prefix = '' } = {}): MetricSource {
      return {
        name: `postgresQueue(${o.schema}.${name})`,
        keys: QUEUE_STAT_KEYS.map((key) => `${prefix}${key}`),
        async read(signal) {
          signal?.throwIfAborted();
          const stats = await queue.stats();
          return Object.fromEntries(Object.entries(stats).map(([key, value]) => [`${prefix}${key}`, value]));
        },
      };
    },

    async waitForJobs(timeoutMs, signal) {
      let wait = parseMs(timeoutMs, SCOPE, 'waitForJobs() timeoutMs', true);
      if (wait === 0 || signal?.aborted) return;
      const { rows } = await query<{ in_ms: number | null }>(sql.nextDue, [name]);
      const due = rows[0]?.in_ms;
      if (due !== null && due !== undefined) wait = Math.min(wait, Math.max(0, Math.ceil(due) + 1));
      if (wait <= 0) return;
      const ready = async () => {
        const again = await query<{ in_ms: number | null }>(sql.nextDue, [name]);
        const next = again.rows[0]?.in_ms;
        return next !== null && next !== undefined && next <= 0;
      };
      await ownListener.wait(name, wait, signal, ready);
    },

    async listDead({ limit = 100, offset = 0 } = {}) {
      parseMs(limit, SCOPE, 'listDead() limit');
      parseMs(offset, SCOPE, 'listDead() offset', true);
      const { rows } = await query<{
        id: string;
        payload: P;
        attempts: number;
        last_error: string | null;
        died_at: number;
        dedup_key: string | null;
      }>(sql.listDead, [name, Math.floor(limit), Math.floor(offset)]);
      return rows.map((r) => ({
        id: r.id,
        payload: r.payload,
        attempts: r.attempts,
        lastError: r.last_error,
        diedAt: r.died_at,
        ...(r.dedup_key === null ? {} : { dedupKey: r.dedup_key }),
      }));
    },

    async requeueDead(ids) {
      if (ids !== undefined && !(Array.isArray(ids) && ids.every((id) => typeof id === 'string'))) {
        throw fleetError(SCOPE, 'invalid-input', 'invalid requeueDead() ids: expected an array of job id strings');
      }
      const wanted = ids === undefined ? null : ids.filter(isJobId);
      if (wanted !== null && wanted.length === 0) return [];
      const { rows } = await query<{ id: string | null }>(sql.requeueDead, [name, wanted]);
      return rows.flatMap((row) => (row.id === null ? [] : [row.id]));
    },

    async purge() {
      await query(sql.purge, [name]);
    },

    async close() {
      if (closed) return;
      closed = true;
      if (--shared.users === 0) {
        byChannel.delete(channel);
        await ownListener.close();
      }
      if (o.ownsPool) await pool.end();
    },
  };
  return queue;
}

/** A PostgreSQL text[] literal: each element double-quoted, with `"` and `\\` escaped. Cheaper than pg's own array encoding. */
function textArray(values: readonly string[]): string {
  const quoted = new Map<string, string>();
  const quote = (v: string) => {
    let q = quoted.get(v);
    if (q === undefined) {
      q = `"${v.replace(/["\\]/g, '\\$&')}"`;
      quoted.set(v, q);
    }
    return q;
  };
  return `{${values.map(quote).join(',')}}`;
}
