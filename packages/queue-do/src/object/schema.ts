import type { SqlStorage } from './runtime.js';

/** Where a job is. Completed jobs are deleted; dead ones stay for inspection. */
export const State = { ready: 0, delayed: 1, running: 2, dead: 3 } as const;

/**
 * The object's tables. `due_at` is when a job next changes by itself: a delayed job's `run_at`, a running job's
 * lease expiry (a ready job keeps its `run_at` there, which gives the oldest ready age). Every query of the hot
 * path is a range of one index, so a claim costs O(log n + k) in the queue's depth n:
 * - `jobs_claim`: ready jobs in claim order (priority, then the longest ready, then enqueue order);
 * - `jobs_due`: `(state, due_at)`, for promoting delayed jobs, taking back expired leases, the next alarm, the
 *   oldest ready job and the counts by state;
 * - `jobs_dedup`: at most one live job per `dedup_key` (unique among ready, delayed and running jobs).
 * Ids are AUTOINCREMENT: a completed job's id is never handed to a new job, so a stale holder is never mistaken.
 */
const statements = [
  `CREATE TABLE IF NOT EXISTS fleet_jobs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    payload TEXT NOT NULL,
    priority INTEGER NOT NULL,
    run_at INTEGER NOT NULL,
    due_at INTEGER NOT NULL,
    state INTEGER NOT NULL,
    attempt INTEGER NOT NULL DEFAULT 0,
    max_attempts INTEGER NOT NULL,
    dedup_key TEXT,
    token TEXT,
    worker_id TEXT,
    lost INTEGER NOT NULL DEFAULT 0,
    last_error TEXT,
    enqueued_at INTEGER NOT NULL
  )`,
  `CREATE INDEX IF NOT EXISTS fleet_jobs_claim ON fleet_jobs (priority DESC, run_at, id) WHERE state = ${State.ready}`,
  'CREATE INDEX IF NOT EXISTS fleet_jobs_due ON fleet_jobs (state, due_at)',
  `CREATE UNIQUE INDEX IF NOT EXISTS fleet_jobs_dedup ON fleet_jobs (dedup_key) WHERE dedup_key IS NOT NULL AND state < ${State.dead}`,
  'CREATE TABLE IF NOT EXISTS fleet_totals (name TEXT PRIMARY KEY, value INTEGER NOT NULL)',
  // Answers by idempotency key, so a retried request gets the first answer (a claim: the same leases) instead of
  // acting twice; `fingerprint` is the request it answered (route and body hash), so a key reused for another
  // request is refused instead of answered. The table before it kept no fingerprint: its keys (minutes of them)
  // cannot be told apart from a reuse, so it goes.
  'DROP TABLE IF EXISTS fleet_requests',
  `CREATE TABLE IF NOT EXISTS fleet_request_keys (
    request_id TEXT PRIMARY KEY, at INTEGER NOT NULL, fingerprint TEXT NOT NULL, result TEXT NOT NULL)`,
  'CREATE INDEX IF NOT EXISTS fleet_request_keys_at ON fleet_request_keys (at)',
];

/** Creates the tables and indexes if they are missing (idempotent, run by the constructor). */
export function migrate(sql: SqlStorage): void {
  for (const statement of statements) sql.exec(statement);
}

/** The platform's limit of bound parameters per statement. */
export const MAX_BOUND_PARAMETERS = 100;

/** Splits `items` into chunks that bind at most {@link MAX_BOUND_PARAMETERS} parameters each. */
export function chunks<T>(items: readonly T[], paramsPerItem: number, reserved = 0): T[][] {
  const size = Math.max(1, Math.floor((MAX_BOUND_PARAMETERS - reserved) / paramsPerItem));
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
