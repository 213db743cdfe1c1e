import type { SqlStorage, SqlValue } from './runtime.js';
import { chunks, State } from './schema.js';
import type { ClaimedRow } from './store.js';

type Row = Record<string, SqlValue>;

// The planner, without statistics, prefers the `(state, due_at)` index for anything that names a state: a claim
// would then sort every ready job (O(n log n), measured: 24 ms per claim at depth 100,000), and a lookup by id
// would scan every running job. `INDEXED BY` pins the claim and dedup indexes (a query that cannot use them fails
// instead of slowing down); `NOT INDEXED` leaves lookups by id to the primary key.

/** The next ready job: the first entry of the claim index. */
const NEXT_READY = `SELECT id FROM fleet_jobs INDEXED BY fleet_jobs_claim WHERE state = ${State.ready} ORDER BY priority DESC, run_at, id LIMIT ?`;
/**
 * The next `max` ready jobs, cut where their payloads pass a byte budget (the first job always fits), so that one
 * answer stays within a Worker's memory. The window runs over the `max` rows the index gave, never over the queue.
 */
const NEXT_READY_WITHIN_BYTES = `SELECT id FROM (
    SELECT id, length(payload) AS size, sum(length(payload)) OVER (ORDER BY priority DESC, run_at, id ROWS UNBOUNDED PRECEDING) AS upto
    FROM (SELECT id, payload, priority, run_at FROM fleet_jobs INDEXED BY fleet_jobs_claim WHERE state = ${State.ready} ORDER BY priority DESC, run_at, id LIMIT ?)
  ) WHERE upto - size < ?`;

/**
 * Leases the next jobs. One job: a single UPDATE whose target is the claim index's first entry. Several: their
 * ids first, then an UPDATE by id per 98. (An `UPDATE … WHERE id IN (SELECT … LIMIT n)` was measured 3× slower
 * than either: SQLite materializes the subquery's rows before updating the table it reads.)
 */
export function takeReady(sql: SqlStorage, workerId: string, max: number, leaseUntil: number, maxClaimBytes: number): Row[] {
  const set = `UPDATE fleet_jobs NOT INDEXED SET state = ${State.running}, attempt = attempt + 1, due_at = ?, worker_id = ?,
    token = lower(hex(randomblob(16)))`;
  const returning = 'RETURNING id, payload, attempt, token, lost, priority, run_at';
  if (max === 1) return sql.exec<Row>(`${set} WHERE id = (${NEXT_READY}) ${returning}`, leaseUntil, workerId, 1).toArray();
  const ids = sql
    .exec<{ id: number }>(NEXT_READY_WITHIN_BYTES, max, maxClaimBytes)
    .toArray()
    .map((r) => r.id);
  const rows: Row[] = [];
  for (const part of chunks(ids, 1, 2)) {
    rows.push(...sql.exec<Row>(`${set} WHERE id IN (${part.map(() => '?').join(', ')}) ${returning}`, leaseUntil, workerId, ...part));
  }
  return rows;
}

/** The leases a remembered claim took that are still held (a retried claim request gets these, nothing new). */
export function replayClaim(sql: SqlStorage, leases: [number, string][], now: number): ClaimedRow[] {
  const held: ClaimedRow[] = [];
  for (const part of chunks(leases, 2, 2)) {
    const rows = sql
      .exec<Row>(
        `SELECT id, payload, attempt, token, due_at FROM fleet_jobs NOT INDEXED WHERE state = ? AND due_at > ? AND (${part.map(() => '(id = ? AND token = ?)').join(' OR ')})`,
        State.running,
        now,
        ...part.flat(),
      )
      .toArray();
    for (const r of rows) {
      held.push({
        id: String(r.id),
        payload: JSON.parse(r.payload as string),
        attempt: Number(r.attempt),
        token: r.token as string,
        leaseUntil: Number(r.due_at),
      });
    }
  }
  const order = new Map(leases.map(([id], i) => [String(id), i]));
  return held.sort((a, b) => (order.get(a.id) ?? 0) - (order.get(b.id) ?? 0));
}
