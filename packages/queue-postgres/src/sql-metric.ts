import { fleetError, type MetricReading, type MetricSource, parseWith } from '@fleet/core';
import pg from 'pg';
import { z } from 'zod';
import { timerMs } from './bounds.js';

/** Options of {@link sqlMetric}. */
export interface SqlMetricOptions {
  /** The pool to query. Give this or `connectionString`. */
  pool?: pg.Pool;
  /** Without a pool: a pool of one connection is opened on this, and `close()` ends it (the daemon's config form). */
  connectionString?: string;
  /** A query returning one row; each column is a metric key (`select count(*) as mailboxes from mailboxes`). */
  query: string;
  /** Bind parameters of `query`. @default [] */
  params?: readonly unknown[];
  /** Shown in errors and decisions. @default 'sql' */
  name?: string;
  /** Statement timeout in ms: a slow count is an outage, not a stall of the Autoscaler. @default 5_000 */
  timeoutMs?: number;
}

const schema = z.strictObject({
  pool: z.custom<pg.Pool>((v) => typeof (v as pg.Pool | null)?.query === 'function', 'expected a pg.Pool').optional(),
  connectionString: z.string().min(1).optional(),
  query: z.string().min(1),
  params: z.array(z.unknown()).optional(),
  name: z.string().min(1).optional(),
  timeoutMs: timerMs().optional(),
});

/**
 * A MetricSource from a SQL query (S2's mailbox count). The first row's columns become the keys; bigint and numeric
 * columns (which the driver returns as strings) are converted. A query that fails, times out, returns no row or a
 * column that is not a finite number makes the read throw: the Autoscaler counts that as an outage, never as zero.
 *
 * @example
 * const mailboxes = sqlMetric({ pool, name: 'mailboxes', query: 'select count(*) as mailboxes from mailboxes where active' });
 */
export function sqlMetric(options: SqlMetricOptions): MetricSource & { close(): Promise<void> } {
  const o = parseWith(
    schema.refine((v) => (v.pool === undefined) !== (v.connectionString === undefined), {
      message: 'expected exactly one of pool or connectionString',
      path: ['pool'],
    }),
    options,
    'queue-postgres',
    'sqlMetric() options',
  );
  const own = o.pool ? undefined : new pg.Pool({ connectionString: o.connectionString, max: 1 });
  const pool = (options.pool ?? own) as pg.Pool;
  const name = o.name ?? 'sql';
  const timeoutMs = o.timeoutMs ?? 5_000;
  return {
    name,
    async read(signal) {
      signal?.throwIfAborted();
      const result = await pool.query({ text: o.query, values: [...(o.params ?? [])], query_timeout: timeoutMs } as pg.QueryConfig);
      const row = result.rows[0] as Record<string, unknown> | undefined;
      if (!row) throw fleetError('queue-postgres', 'metric-failed', `sqlMetric "${name}": the query returned no row`);
      const reading: MetricReading = {};
      for (const [key, raw] of Object.entries(row)) {
        const value = typeof raw === 'string' ? Number(raw) : raw;
        if (typeof value !== 'number' || !Number.isFinite(value)) {
          throw fleetError('queue-postgres', 'metric-failed', `sqlMetric "${name}": column ${key} is not a finite number (${String(raw)})`);
        }
        reading[key] = value;
      }
      return reading;
    },
    /** Ends the pool it opened from `connectionString`; a pool you gave stays yours. */
    async close() {
      await own?.end();
    },
  };
}
