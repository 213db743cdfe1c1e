import { QueueError } from './errors.js';
import type { SqlStorage } from './runtime.js';

/** An idempotency key and the request it names: its route and a hash of its body. */
export interface RequestKey {
  id: string;
  /** `<route> <SHA-256 of the body, hex>`: a replay matches it byte for byte. */
  fingerprint: string;
}

const encoder = new TextEncoder();
const routeOf = (fingerprint: string) => fingerprint.slice(0, fingerprint.lastIndexOf(' '));

/** The key of a request that carries a `requestId`, or undefined. */
export async function requestKey(id: string | undefined, route: string, body: string): Promise<RequestKey | undefined> {
  if (id === undefined) return undefined;
  const hash = new Uint8Array(await crypto.subtle.digest('SHA-256', encoder.encode(body)));
  let hex = '';
  for (const byte of hash) hex += byte.toString(16).padStart(2, '0');
  return { id, fingerprint: `${route} ${hex}` };
}

/**
 * Answers remembered by idempotency key, each with the request it answered. A key names one request: replayed
 * (same route, same body) it gets the remembered answer; reused for another request it is refused with
 * `idempotency-conflict`, never answered with what another request got.
 */
export class RequestKeys {
  constructor(private readonly sql: SqlStorage) {}

  /** Forgets keys older than `before`, a bounded number per call. */
  forget(before: number): void {
    this.sql.exec(
      'DELETE FROM fleet_request_keys WHERE request_id IN (SELECT request_id FROM fleet_request_keys WHERE at < ? ORDER BY at LIMIT 20)',
      before,
    );
  }

  /** The answer remembered for this request, undefined for a key not seen, or `idempotency-conflict`. */
  recall(key: RequestKey): string | undefined {
    const row = this.sql
      .exec<{ fingerprint: string; result: string }>('SELECT fingerprint, result FROM fleet_request_keys WHERE request_id = ?', key.id)
      .toArray()[0];
    if (row === undefined) return undefined;
    if (row.fingerprint === key.fingerprint) return row.result;
    const firstRoute = routeOf(row.fingerprint);
    const route = routeOf(key.fingerprint);
    const first = firstRoute === route ? `another ${route} (with a different body)` : firstRoute;
    throw new QueueError(
      'idempotency-conflict',
      `requestId ${JSON.stringify(key.id)} was first used by ${first}: a requestId names one request, and a replay must repeat it exactly (same route, same body); send a new requestId for a new request`,
    );
  }

  /** Remembers the answer to a request, in the caller's transaction. */
  remember(key: RequestKey, now: number, result: string): void {
    this.sql.exec(
      'INSERT OR REPLACE INTO fleet_request_keys (request_id, at, fingerprint, result) VALUES (?, ?, ?, ?)',
      key.id,
      now,
      key.fingerprint,
      result,
    );
  }
}
