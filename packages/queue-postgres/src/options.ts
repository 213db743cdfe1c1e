import { type Logger, parseWith, QUEUE_LIMITS, silentLogger } from '@fleet/core';
import pg from 'pg';
import { z } from 'zod';
import { timerMs } from './bounds.js';
import { identifier } from './identifiers.js';

/** Options of {@link postgresQueue}. Give `pool` or `connectionString`. */
export interface PostgresQueueOptions {
  /** A pg.Pool to share; the queue never ends it. */
  pool?: pg.Pool;
  /** Makes a pool of `poolSize` connections, ended by `close()`. */
  connectionString?: string;
  /** Connections of the pool the queue makes. @default 10 */
  poolSize?: number;
  /** The queue's name: many queues share one schema's tables. @default 'default' */
  queue?: string;
  /** Where the tables live. @default 'fleet' */
  schema?: string;
  /** `maxAttempts` of jobs that do not set one: 1 to 1,000,000. @default 5 */
  defaultMaxAttempts?: number;
  /** Retry delay after a `fail` without `retryInMs`: `min(maxMs, baseMs × 2^(attempt-1))`, jittered down by up to half. Each at most 2^31 − 1 ms. @default { baseMs: 1000, maxMs: 300_000 } */
  backoff?: { baseMs: number; maxMs: number };
  /** Copy completed jobs into `<schema>.archive` instead of only deleting them. @default false */
  archive?: boolean;
  /** A direct (session) connection for LISTEN, when `pool` goes through a transaction-mode pooler. @default the pool's settings */
  listenConnectionString?: string;
  /**
   * Use named prepared statements, so PostgreSQL plans each queue statement once per connection (several times
   * faster claims). Works directly and behind PgBouncer ≥ 1.21 with `max_prepared_statements` set; turn it off for
   * a transaction-mode pooler without prepared-statement support. @default true
   */
  prepare?: boolean;
  /** @default silentLogger */
  logger?: Logger;
}

const fn = (what: string) => z.custom<never>((v) => typeof v === 'function' || typeof v === 'object', `expected ${what}`);

const schema = z
  .strictObject({
    pool: z.custom<pg.Pool>((v) => typeof (v as pg.Pool | null)?.query === 'function', 'expected a pg.Pool').optional(),
    connectionString: z.string().min(1).optional(),
    poolSize: z.number().int().min(1).max(1000).optional(),
    queue: identifier.optional(),
    schema: identifier.optional(),
    defaultMaxAttempts: z.number().int().min(1).max(QUEUE_LIMITS.maxAttempts).optional(),
    backoff: z.strictObject({ baseMs: timerMs({ zeroOk: true }), maxMs: timerMs({ zeroOk: true }) }).optional(),
    archive: z.boolean().optional(),
    listenConnectionString: z.string().min(1).optional(),
    prepare: z.boolean().optional(),
    logger: fn('a Logger').optional(),
  })
  .refine((o) => (o.pool === undefined) !== (o.connectionString === undefined), {
    message: 'expected exactly one of `pool` (a pg.Pool) or `connectionString`',
    path: ['pool'],
  });

/** {@link PostgresQueueOptions} validated, with defaults, and the pool to use. */
export interface ResolvedQueueOptions {
  pool: pg.Pool;
  ownsPool: boolean;
  queue: string;
  schema: string;
  defaultMaxAttempts: number;
  backoff: { baseMs: number; maxMs: number };
  archive: boolean;
  listenConnectionString: string | undefined;
  prepare: boolean;
  logger: Logger;
}

/** Validates the options (FleetError `invalid-options` naming the field) and makes the pool if asked. */
export function resolveQueueOptions(options: PostgresQueueOptions): ResolvedQueueOptions {
  const o = parseWith(schema, options, 'queue-postgres', 'postgresQueue() options');
  const pool = options.pool ?? new pg.Pool({ connectionString: o.connectionString, max: o.poolSize ?? 10 });
  return {
    pool,
    ownsPool: options.pool === undefined,
    queue: o.queue ?? 'default',
    schema: o.schema ?? 'fleet',
    defaultMaxAttempts: o.defaultMaxAttempts ?? 5,
    backoff: o.backoff ?? { baseMs: 1_000, maxMs: 300_000 },
    archive: o.archive ?? false,
    listenConnectionString: o.listenConnectionString,
    prepare: o.prepare ?? true,
    logger: options.logger ?? silentLogger,
  };
}
