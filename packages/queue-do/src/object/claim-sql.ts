import type { SqlStorage, SqlValue } from './runtime.js';
import { chunks, State } from './schema.js';
import type { ClaimedRow } from './store.js';

type Row = Record<string, SqlValue>;

// The planner, without statistics, prefers the `(state, due_at)` index for anything that names a state: a claim
// would then sort every ready job (O(n log n), measured: 24 ms per claim at depth 100,000), and a lookup by id
// would scan every running job. `INDEXED BY` pins the claim index (a query that cannot use it fails instead of
// slowing down); `NOT INDEXED` leaves lookups by id to the primary key.
//
// Rows cost more to bring into JavaScript than to read or write: workerd builds an object per row, measured at
// 6-8 µs for a claimed job's seven columns against about 1 µs for SQLite to update the row. So a batch moves each
// statement's answer as one JSON text (`json_group_array`) and its ids as one JSON parameter (`json_each`), which
// also keeps every statement far below the 100-parameter limit whatever the batch size.

/** The next ready jobs, in claim order, with their payload sizes: one row, a JSON array of `[id, size]`. */
const NEXT_READY = `SELECT json_group_array(json_array(id, length(payload))) AS j FROM (
    SELECT id, payload FROM fleet_jobs INDEXED BY fleet_jobs_claim WHERE state = ${State.ready}
    ORDER BY priority DESC, run_at, id LIMIT ?1)`;
/** The ids in the JSON array bound to parameter `n`. */
const ids = (n: number) => `id IN (SELECT value FROM json_each(?${n}))`;
/**
 * Leases rows: `?1` the lease end, `?2` the worker's id, `?3` the claim's secret. A job's token is the secret and
 * its id: unguessable (128 random bits per claim), distinct per job, and known without reading it back.
 */
const LEASE = `UPDATE fleet_jobs NOT INDEXED SET state = ${State.running}, attempt = attempt + 1, due_at = ?1, worker_id = ?2,
    token = ?3 || id`;
/** The leased jobs as one JSON text; `json(payload)` embeds each payload as it is stored, already JSON. */
const LEASED = `SELECT json_group_array(json_array(id, json(payload), attempt, lost)) AS j FROM fleet_jobs NOT INDEXED WHERE ${ids(1)}`;
/**
 * A string value may hold at most 2 MB: the jobs of one `LEASED` answer hold at most this many characters of
 * payload (a job above it, which `maxPayloadBytes` keeps under 1.9 MB, is read on its own).
 */
const ANSWER_CHARS = 1_000_000;

/** The leased jobs of a claim, in claim order, and how many of them were redeliveries. */
export interface Taken {
  jobs: ClaimedRow[];
  redelivered: number;
}

/**
 * Leases the next jobs. One job: a single `UPDATE … WHERE id = (first entry of the claim index) RETURNING`.
 * Several: one statement reads the next `max` entries of the claim index (cut once their payloads have passed
 * `maxClaimBytes`; the first job always comes), then, per part of at most {@link ANSWER_CHARS} of payload, one
 * UPDATE leases the part and one SELECT reads it back as JSON.
 */
export function takeReady(sql: SqlStorage, workerId: string, max: number, leaseUntil: number, maxClaimBytes: number): Taken {
  const secret = claimSecret();
  if (max === 1) {
    const row = sql
      .exec<Row>(
        `${LEASE} WHERE id = (SELECT id FROM fleet_jobs INDEXED BY fleet_jobs_claim WHERE state = ${State.ready} ORDER BY priority DESC, run_at, id LIMIT 1)
         RETURNING id, payload, attempt, token, lost`,
        leaseUntil,
        workerId,
        secret,
      )
      .toArray()[0];
    if (!row) return { jobs: [], redelivered: 0 };
    const job = {
      id: String(row.id),
      payload: JSON.parse(row.payload as string),
      attempt: Number(row.attempt),
      token: row.token as string,
      leaseUntil,
    };
    return { jobs: [job], redelivered: finishRedelivered(sql, row.lost === 1 ? [job.id] : []) };
  }
  const next = JSON.parse(sql.exec<{ j: string }>(NEXT_READY, max).one().j) as [number, number][];
  const jobs: ClaimedRow[] = [];
  const lost: string[] = [];
  for (const part of parts(next, maxClaimBytes)) {
    const json = JSON.stringify(part);
    sql.exec(`${LEASE} WHERE ${ids(4)}`, leaseUntil, workerId, secret, json);
    const leased = JSON.parse(sql.exec<{ j: string }>(LEASED, json).one().j) as [number, unknown, number, number][];
    const order = new Map(part.map((id, i) => [id, i]));
    leased.sort((a, b) => (order.get(a[0]) ?? 0) - (order.get(b[0]) ?? 0));
    for (const [id, payload, attempt, wasLost] of leased) {
      jobs.push({ id: String(id), payload, attempt, token: `${secret}${id}`, leaseUntil });
      if (wasLost === 1) lost.push(String(id));
    }
  }
  return { jobs, redelivered: finishRedelivered(sql, lost) };
}

/** 128 random bits as 32 hex digits, the secret part of a claim's lease tokens. */
function claimSecret(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  let hex = '';
  for (const byte of bytes) hex += byte.toString(16).padStart(2, '0');
  return `${hex}-`;
}

/** The claim's ids, cut at `maxClaimBytes` of payload, in parts of at most {@link ANSWER_CHARS} of payload. */
function parts(next: readonly [number, number][], maxClaimBytes: number): number[][] {
  const out: number[][] = [];
  let part: number[] = [];
  let total = 0;
  let inPart = 0;
  for (const [id, size] of next) {
    // As documented: the claim stops once its payloads have passed the budget (the first job always comes).
    if (total >= maxClaimBytes) break;
    total += size;
    if (part.length > 0 && inPart + size > ANSWER_CHARS) {
      out.push(part);
      part = [];
      inPart = 0;
    }
    part.push(id);
    inPart += size;
  }
  if (part.length > 0) out.push(part);
  return out;
}

/** Clears the `lost` mark of redelivered jobs (set when a lease expired); returns how many there were. */
function finishRedelivered(sql: SqlStorage, lost: readonly string[]): number {
  if (lost.length > 0) sql.exec(`UPDATE fleet_jobs NOT INDEXED SET lost = 0 WHERE ${ids(1)}`, JSON.stringify(lost.map(Number)));
  return lost.length;
}

/**
 * The leases a remembered claim took that are still held (a retried claim request gets these, nothing new). Rare,
 * so row by row: a remembered claim may hold more payload than one JSON answer can.
 */
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
