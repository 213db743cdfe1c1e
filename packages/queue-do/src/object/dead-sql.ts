import type { SqlStorage } from './runtime.js';
import { State } from './schema.js';

/** A job that used up its attempts, as `listDead` shows it. */
export interface DeadJob<P = unknown> {
  /** The job's id. */
  id: string;
  /** The job's payload. */
  payload: P;
  /** Runs it had. */
  attempts: number;
  /** The last failure's message, or why its last lease ended. */
  lastError: string | null;
  /** When it died (ms since epoch). */
  diedAt: number;
  /** Its `dedupKey`, when it had one. */
  dedupKey?: string;
}

/** Dead jobs, oldest death first: a range of the `(state, due_at)` index, where `due_at` is when the job died. */
export function listDead(sql: SqlStorage, limit: number, offset: number): DeadJob[] {
  const json = sql
    .exec<{ j: string }>(
      `SELECT json_group_array(json_array(id, json(payload), attempt, last_error, due_at, dedup_key)) AS j FROM (
         SELECT * FROM fleet_jobs INDEXED BY fleet_jobs_due WHERE state = ${State.dead} ORDER BY due_at, id LIMIT ?1 OFFSET ?2)`,
      limit,
      offset,
    )
    .one().j;
  return (JSON.parse(json) as [number, unknown, number, string | null, number, string | null][]).map(
    ([id, payload, attempts, lastError, diedAt, dedupKey]) => ({
      id: String(id),
      payload,
      attempts,
      lastError,
      diedAt,
      ...(dedupKey === null ? {} : { dedupKey }),
    }),
  );
}

/**
 * Puts dead jobs (all, or those of `ids`) back to ready, with their attempts reset, at `now`. A job whose
 * `dedupKey` is live again stays dead: `OR IGNORE` skips the rows the unique dedup index refuses. Returns the ids
 * revived, in ascending order.
 */
export function requeueDead(sql: SqlStorage, ids: readonly string[] | undefined, now: number): string[] {
  // All: a range of the dead jobs in the `(state, due_at)` index. Some: lookups by id.
  const [table, which] =
    ids === undefined
      ? ['fleet_jobs INDEXED BY fleet_jobs_due', '']
      : ['fleet_jobs NOT INDEXED', 'AND id IN (SELECT CAST(value AS INTEGER) FROM json_each(?2))'];
  const revived = sql
    .exec<{ id: number }>(
      `UPDATE OR IGNORE ${table} SET state = ${State.ready}, attempt = 0, run_at = ?1, due_at = ?1,
         token = NULL, worker_id = NULL, lost = 0, last_error = NULL
       WHERE state = ${State.dead} ${which} RETURNING id`,
      ...(ids === undefined ? [now] : [now, JSON.stringify(ids)]),
    )
    .toArray();
  return revived
    .map((r) => r.id)
    .sort((a, b) => a - b)
    .map(String);
}
