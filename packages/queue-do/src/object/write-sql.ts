import type { SqlStorage } from './runtime.js';
import { State } from './schema.js';

/** A job ready to insert: its payload as JSON text and every column resolved. */
export interface InsertRow {
  payload: string;
  priority: number;
  runAt: number;
  maxAttempts: number;
  dedupKey: string | null;
}

const COLUMNS = 'payload, priority, run_at, due_at, state, max_attempts, dedup_key, enqueued_at, attempt';
/**
 * Inserts the rows of the JSON array bound to `?2` (each `[payload, priority, runAt, state, maxAttempts,
 * dedupKey]`), in array order, so their ids come out consecutive (ids are AUTOINCREMENT: each one above any ever
 * given). One statement for a whole chunk whatever its size, below the 100-parameter limit; and no RETURNING, whose
 * rows cost more to bring into JavaScript than the inserts.
 */
const INSERT_JSON = `INSERT INTO fleet_jobs (${COLUMNS})
  SELECT value ->> 0, value ->> 1, value ->> 2, value ->> 2, value ->> 3, value ->> 4, value ->> 5, ?1, 0
  FROM json_each(?2) ORDER BY key`;
/** A job too large to travel inside a JSON parameter goes alone, its payload bound as it is. */
const INSERT_ONE = `INSERT INTO fleet_jobs (${COLUMNS}) VALUES (?2, ?3, ?4, ?4, ?5, ?6, ?7, ?1, 0)`;
/**
 * Characters of one JSON parameter: a string value holds at most 2 MB, and escaping can grow a payload, so chunks
 * stay well below.
 */
const PARAM_CHARS = 1_000_000;

/** Inserts jobs in order; returns their ids. */
export function insertJobs(sql: SqlStorage, rows: readonly InsertRow[], now: number): number[] {
  const ids: number[] = [];
  const flush = (encoded: string[], count: number) => {
    if (count === 0) return;
    if (encoded.length > 0) sql.exec(INSERT_JSON, now, `[${encoded.join(',')}]`);
    const last = sql.exec<{ id: number }>('SELECT max(id) AS id FROM fleet_jobs').one().id;
    for (let id = last - count + 1; id <= last; id++) ids.push(id);
  };
  let chunk: string[] = [];
  let chars = 0;
  for (const row of rows) {
    const state = row.runAt > now ? State.delayed : State.ready;
    const encoded = JSON.stringify([row.payload, row.priority, row.runAt, state, row.maxAttempts, row.dedupKey]);
    if (chars + encoded.length > PARAM_CHARS) {
      flush(chunk, chunk.length);
      chunk = [];
      chars = 0;
    }
    if (encoded.length > PARAM_CHARS) {
      sql.exec(INSERT_ONE, now, row.payload, row.priority, row.runAt, state, row.maxAttempts, row.dedupKey);
      flush([], 1);
      continue;
    }
    chunk.push(encoded);
    chars += encoded.length + 1;
  }
  flush(chunk, chunk.length);
  return ids;
}

/** Rows of `fleet_jobs` whose `(id, token)` is in the JSON array of pairs bound to `?1` and whose lease is live at `?2`. */
const HELD = `FROM fleet_jobs NOT INDEXED WHERE (id, token) IN (SELECT CAST(value ->> 0 AS INTEGER), value ->> 1 FROM json_each(?1))
  AND state = ${State.running} AND due_at > ?2`;

/**
 * Deletes the jobs whose leases are still held; returns their ids. The ids are read as one JSON text first, then
 * deleted by the same condition: cheaper than `DELETE … RETURNING`, whose rows come into JavaScript one by one.
 */
export function deleteHeld(sql: SqlStorage, leases: readonly { id: string; token: string }[], now: number): number[] {
  const held: number[] = [];
  // Leases are short (an id, a 32-character token): this many keep a parameter far below a string's 2 MB.
  for (let i = 0; i < leases.length; i += 10_000) {
    const pairs = JSON.stringify(leases.slice(i, i + 10_000).map((l) => [l.id, l.token]));
    const ids = JSON.parse(sql.exec<{ j: string }>(`SELECT json_group_array(id) AS j ${HELD}`, pairs, now).one().j) as number[];
    if (ids.length > 0) sql.exec(`DELETE ${HELD}`, pairs, now);
    held.push(...ids);
  }
  return held;
}
