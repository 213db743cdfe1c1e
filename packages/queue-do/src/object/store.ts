import { replayClaim, takeReady } from './claim-sql.js';
import { type DeadJob, listDead, requeueDead } from './dead-sql.js';
import { QueueError } from './errors.js';
import { type RequestKey, RequestKeys } from './request-keys.js';
import type { DurableObjectStorageLike, SqlValue } from './runtime.js';
import { migrate, State } from './schema.js';
import { Sweeper } from './sweep.js';
import { deleteHeld, insertJobs } from './write-sql.js';

/** A validated job to insert. */
export interface NewJob {
  payload: string;
  priority: number;
  runAt: number | undefined;
  maxAttempts: number | undefined;
  dedupKey: string | undefined;
}

/** A claimed job as the API returns it. */
export interface ClaimedRow {
  id: string;
  payload: unknown;
  attempt: number;
  token: string;
  leaseUntil: number;
}

/** Settings of a {@link QueueStore}. */
export interface StoreSettings {
  /** `maxAttempts` of jobs that set none. */
  defaultMaxAttempts: number;
  /** Retry delay after a `fail` without `retryInMs`: `min(maxMs, baseMs × 2^(attempt-1))`, jittered down by up to half. */
  backoff: { baseMs: number; maxMs: number };
  /** A batch claim stops taking jobs once their payloads pass this many characters (the first job always comes). */
  maxClaimBytes: number;
  /** How long a request's idempotency key is remembered. */
  requestKeyTtlMs: number;
}

type Row = Record<string, SqlValue>;

const READY_EXISTS = `SELECT EXISTS (SELECT 1 FROM fleet_jobs INDEXED BY fleet_jobs_claim WHERE state = ${State.ready}) AS n`;

/** The queue on a Durable Object's SQLite storage. Synchronous: each call runs in one transaction. */
export class QueueStore {
  readonly sweeper: Sweeper;
  private readonly requests: RequestKeys;

  constructor(
    private readonly storage: DurableObjectStorageLike,
    private readonly settings: StoreSettings,
    private readonly now: () => number = Date.now,
  ) {
    migrate(storage.sql);
    this.sweeper = new Sweeper(storage.sql);
    this.requests = new RequestKeys(storage.sql);
  }

  private get sql() {
    return this.storage.sql;
  }

  private depth = 0;

  /** One transaction around `fn`; a nested call joins the outer one. */
  private tx<T>(fn: () => T): T {
    if (this.depth > 0) return fn();
    this.depth++;
    try {
      return this.storage.transactionSync(fn);
    } catch (error) {
      this.sweeper.forget();
      throw error;
    } finally {
      this.depth--;
    }
  }

  /**
   * Runs `act` once per idempotency key: the same request seen before gets the answer remembered for it, another
   * request with that key `idempotency-conflict`. The answer is written in the same transaction as the change it
   * reports.
   */
  once<T>(key: RequestKey | undefined, act: () => T): T {
    if (key === undefined) return act();
    return this.tx(() => {
      const now = this.now();
      this.requests.forget(now - this.settings.requestKeyTtlMs);
      const seen = this.requests.recall(key);
      if (seen !== undefined) return JSON.parse(seen) as T;
      const result = act();
      this.requests.remember(key, now, JSON.stringify(result ?? null));
      return result;
    });
  }

  /** Inserts jobs (a live `dedupKey` returns the live job's id); returns the ids in order. */
  enqueue(jobs: readonly NewJob[]): string[] {
    return this.tx(() => {
      const now = this.now();
      const ids: (string | undefined)[] = [];
      const fresh: { index: number; job: NewJob }[] = [];
      const byKey = new Map<string, number>();
      jobs.forEach((job, index) => {
        const key = job.dedupKey;
        if (key === undefined) {
          fresh.push({ index, job });
          return;
        }
        const live = this.sql
          .exec<{ id: number }>(`SELECT id FROM fleet_jobs INDEXED BY fleet_jobs_dedup WHERE dedup_key = ? AND state < ${State.dead}`, key)
          .toArray()[0];
        if (live) ids[index] = String(live.id);
        else if (byKey.has(key)) ids[index] = `=${byKey.get(key)}`;
        else {
          byKey.set(key, index);
          fresh.push({ index, job });
        }
      });
      const rows = fresh.map(({ job }) => {
        const runAt = job.runAt ?? now;
        if (runAt > now) this.sweeper.note(runAt);
        const maxAttempts = job.maxAttempts ?? this.settings.defaultMaxAttempts;
        return { payload: job.payload, priority: job.priority, runAt, maxAttempts, dedupKey: job.dedupKey ?? null };
      });
      const inserted = insertJobs(this.sql, rows, now);
      fresh.forEach(({ index }, i) => {
        ids[index] = String(inserted[i]);
      });
      const resolved = ids.map((id) => (id?.startsWith('=') ? (ids[Number(id.slice(1))] as string) : (id as string)));
      this.sweeper.addTotal('enqueued', fresh.length);
      return resolved;
    });
  }

  /**
   * Takes up to `max` ready jobs over the claim index (see `takeReady`). With a key seen before, returns the
   * leases that request got which are still held, and claims nothing new: a retried request never orphans a lease.
   */
  claim(workerId: string, max: number, leaseMs: number, key?: RequestKey): ClaimedRow[] {
    return this.tx(() => {
      const now = this.now();
      const seen = key === undefined ? undefined : this.requests.recall(key);
      if (seen !== undefined) return replayClaim(this.sql, JSON.parse(seen) as [number, string][], now);
      if (key !== undefined) this.requests.forget(now - this.settings.requestKeyTtlMs);
      this.sweeper.sweep(now);
      const leaseUntil = now + leaseMs;
      this.sweeper.note(leaseUntil);
      const { jobs, redelivered } = takeReady(this.sql, workerId, max, leaseUntil, this.settings.maxClaimBytes);
      this.sweeper.addTotal('redelivered', redelivered);
      if (key !== undefined && jobs.length > 0) this.requests.remember(key, now, JSON.stringify(jobs.map((j) => [Number(j.id), j.token])));
      return jobs;
    });
  }

  /** Deletes a job the caller holds, or throws `lease-lost`. */
  complete(id: string, token: string): void {
    const [problem] = this.completeMany([{ id, token }]);
    if (problem) throw problem;
  }

  /**
   * Deletes the jobs the caller holds (two statements whatever their number: the leases travel as one JSON
   * parameter); returns, per lease, the `lease-lost` error of a job it no longer held, or undefined. Held jobs
   * complete even when others are refused.
   */
  completeMany(leases: readonly { id: string; token: string }[]): (QueueError | undefined)[] {
    return this.tx(() => {
      const now = this.now();
      const done = new Set(deleteHeld(this.sql, leases, now).map(String));
      this.sweeper.addTotal('completed', done.size);
      // A lease listed twice completes once; its second mention is refused like any late complete.
      return leases.map((l) => (done.delete(l.id) ? undefined : this.leaseLost(l.id, l.token, now, 'complete')));
    });
  }

  /** Ends an attempt: back to ready or delayed after `retryInMs` (or the backoff), or dead after `maxAttempts`. */
  fail(id: string, token: string, error: string, retryInMs: number | undefined, random: number): void {
    this.tx(() => {
      const now = this.now();
      const job = this.held(id, token, now, 'fail');
      const attempt = Number(job.attempt);
      if (attempt >= Number(job.max_attempts)) {
        this.sql.exec(`UPDATE fleet_jobs SET state = ${State.dead}, token = NULL, due_at = ?, last_error = ? WHERE id = ?`, now, error, id);
        return;
      }
      const { baseMs, maxMs } = this.settings.backoff;
      const backoff = Math.min(maxMs, baseMs * 2 ** (attempt - 1));
      const runAt = now + (retryInMs ?? Math.round(backoff / 2 + (random * backoff) / 2));
      const state = runAt > now ? State.delayed : State.ready;
      this.sweeper.note(runAt);
      this.sql.exec(
        'UPDATE fleet_jobs SET state = ?, token = NULL, run_at = ?, due_at = ?, last_error = ? WHERE id = ?',
        state,
        runAt,
        runAt,
        error,
        id,
      );
    });
  }

  /** Dead jobs, oldest death first. */
  listDead(limit: number, offset: number): DeadJob[] {
    return listDead(this.sql, limit, offset);
  }

  /** Puts dead jobs (all when `ids` is undefined) back to ready with fresh attempts; returns the ids revived. */
  requeueDead(ids: readonly string[] | undefined): string[] {
    return this.tx(() => requeueDead(this.sql, ids, this.now()));
  }

  /** Whether a job is ready now (after promoting due delayed jobs and taking back expired leases). */
  hasReady(now: number): boolean {
    return this.tx(() => {
      this.sweeper.sweep(now);
      return this.sql.exec<{ n: number }>(READY_EXISTS).one().n === 1;
    });
  }

  /** Moves the lease's end to now + `leaseMs`; returns it. */
  extend(id: string, token: string, leaseMs: number): number {
    return this.tx(() => {
      const now = this.now();
      const until = now + leaseMs;
      const rows = this.sql
        .exec(
          `UPDATE fleet_jobs NOT INDEXED SET due_at = ? WHERE id = ? AND state = ${State.running} AND token = ? AND due_at > ? RETURNING id`,
          until,
          id,
          token,
          now,
        )
        .toArray();
      if (rows.length === 0) throw this.leaseLost(id, token, now, 'extend');
      return until;
    });
  }

  private held(id: string, token: string, now: number, action: string): Row {
    const job = this.sql.exec<Row>('SELECT * FROM fleet_jobs WHERE id = ?', id).toArray()[0];
    if (!job || job.state !== State.running || job.token !== token || Number(job.due_at) <= now)
      throw this.leaseLost(id, token, now, action, job);
    return job;
  }

  private leaseLost(id: string, token: string, now: number, action: string, found?: Row): QueueError {
    const job = found ?? this.sql.exec<Row>('SELECT state, token, due_at FROM fleet_jobs WHERE id = ?', id).toArray()[0];
    let why = 'it is not live (completed, or never enqueued here)';
    if (job?.state === State.dead) why = 'it is dead';
    else if (job && job.state !== State.running) why = 'its lease expired and it went back to the queue';
    else if (job && job.token !== token) why = 'the token is stale (its lease expired and the job was claimed again) or wrong';
    else if (job) why = `its lease expired ${now - Number(job.due_at)} ms ago`;
    return new QueueError('lease-lost', `cannot ${action} job ${id}: ${why}`);
  }
}
