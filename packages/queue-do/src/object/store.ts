import { replayClaim, takeReady } from './claim-sql.js';
import { QueueError } from './errors.js';
import type { DurableObjectStorageLike, SqlValue } from './runtime.js';
import { chunks, migrate, State } from './schema.js';
import { Sweeper } from './sweep.js';

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

/** Parameters per inserted job; `?1` (now) is bound once per statement, and `run_at` also fills `due_at`. */
const INSERT_PARAMS = 6;

/** The queue on a Durable Object's SQLite storage. Synchronous: each call runs in one transaction. */
export class QueueStore {
  readonly sweeper: Sweeper;

  constructor(
    private readonly storage: DurableObjectStorageLike,
    private readonly settings: StoreSettings,
    private readonly now: () => number = Date.now,
  ) {
    migrate(storage.sql);
    this.sweeper = new Sweeper(storage.sql);
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
   * Runs `act` once per idempotency key: a request seen before gets the answer remembered for it. The answer is
   * written in the same transaction as the change it reports.
   */
  once<T>(requestId: string | undefined, act: () => T): T {
    if (requestId === undefined) return act();
    return this.tx(() => {
      const now = this.now();
      this.sweeper.forgetRequests(now - this.settings.requestKeyTtlMs);
      const seen = this.sweeper.recall(requestId);
      if (seen !== undefined) return JSON.parse(seen) as T;
      const result = act();
      this.sweeper.remember(requestId, now, JSON.stringify(result ?? null));
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
      for (const part of chunks(fresh, INSERT_PARAMS, 1)) {
        const values: SqlValue[] = [now];
        const tuples = part.map(({ job }, i) => {
          const runAt = job.runAt ?? now;
          if (runAt > now) this.sweeper.note(runAt);
          values.push(job.payload, job.priority, runAt, runAt > now ? State.delayed : State.ready);
          values.push(job.maxAttempts ?? this.settings.defaultMaxAttempts, job.dedupKey ?? null);
          const p = 2 + i * INSERT_PARAMS;
          return `(?${p}, ?${p + 1}, ?${p + 2}, ?${p + 2}, ?${p + 3}, ?${p + 4}, ?${p + 5}, ?1, 0)`;
        });
        const rows = this.sql
          .exec<{ id: number }>(
            `INSERT INTO fleet_jobs (payload, priority, run_at, due_at, state, max_attempts, dedup_key, enqueued_at, attempt)
             VALUES ${tuples.join(', ')} RETURNING id`,
            ...values,
          )
          .toArray()
          .map((r) => r.id)
          // Row ids of one INSERT are assigned in the order of its VALUES; RETURNING's order is not promised.
          .sort((a, b) => a - b);
        part.forEach(({ index }, i) => {
          ids[index] = String(rows[i]);
        });
      }
      const resolved = ids.map((id) => (id?.startsWith('=') ? (ids[Number(id.slice(1))] as string) : (id as string)));
      this.sweeper.addTotal('enqueued', fresh.length);
      return resolved;
    });
  }

  /**
   * Takes up to `max` ready jobs in one UPDATE over the claim index. With a `requestId` seen before, returns the
   * leases that request got which are still held, and claims nothing new: a retried request never orphans a lease.
   */
  claim(workerId: string, max: number, leaseMs: number, requestId?: string): ClaimedRow[] {
    return this.tx(() => {
      const now = this.now();
      const seen = requestId === undefined ? undefined : this.sweeper.recall(requestId);
      if (seen !== undefined) return replayClaim(this.sql, JSON.parse(seen) as [number, string][], now);
      if (requestId !== undefined) this.sweeper.forgetRequests(now - this.settings.requestKeyTtlMs);
      this.sweeper.sweep(now);
      const leaseUntil = now + leaseMs;
      this.sweeper.note(leaseUntil);
      const rows = takeReady(this.sql, workerId, max, leaseUntil, this.settings.maxClaimBytes).sort(
        (a, b) => Number(b.priority) - Number(a.priority) || Number(a.run_at) - Number(b.run_at) || Number(a.id) - Number(b.id),
      );
      const redelivered = rows.filter((r) => r.lost === 1).map((r) => Number(r.id));
      for (const part of chunks(redelivered, 1))
        this.sql.exec(`UPDATE fleet_jobs NOT INDEXED SET lost = 0 WHERE id IN (${part.map(() => '?').join(', ')})`, ...part);
      this.sweeper.addTotal('redelivered', redelivered.length);
      if (requestId !== undefined && rows.length > 0)
        this.sweeper.remember(requestId, now, JSON.stringify(rows.map((r) => [Number(r.id), r.token])));
      return rows.map((r) => ({
        id: String(r.id),
        payload: JSON.parse(r.payload as string),
        attempt: Number(r.attempt),
        token: r.token as string,
        leaseUntil,
      }));
    });
  }

  /** Deletes a job the caller holds, or throws `lease-lost`. */
  complete(id: string, token: string): void {
    const [problem] = this.completeMany([{ id, token }]);
    if (problem) throw problem;
  }

  /**
   * Deletes the jobs the caller holds, a DELETE per 49 leases (the 100-parameter limit); returns, per lease, the
   * `lease-lost` error of a job it no longer held, or undefined. Held jobs complete even when others are refused.
   */
  completeMany(leases: readonly { id: string; token: string }[]): (QueueError | undefined)[] {
    return this.tx(() => {
      const now = this.now();
      const done = new Set<string>();
      for (const part of chunks(leases, 2, 1)) {
        const rows = this.sql
          .exec<{ id: number }>(
            `DELETE FROM fleet_jobs NOT INDEXED WHERE state = ${State.running} AND due_at > ? AND (${part.map(() => '(id = ? AND token = ?)').join(' OR ')}) RETURNING id`,
            now,
            ...part.flatMap((l) => [l.id, l.token]),
          )
          .toArray();
        for (const row of rows) done.add(String(row.id));
      }
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
