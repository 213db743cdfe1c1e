import { queueConformance } from '@fleet/core/testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { postgresQueue } from '../src/index.js';
import { testDatabase } from './database.js';

let pool: pg.Pool;

beforeAll(async () => {
  pool = new pg.Pool({ connectionString: await testDatabase('conformance'), max: 20 });
  await postgresQueue({ pool, queue: 'conformance' }).migrate();
});
afterAll(() => pool.end());

queueConformance(
  {
    name: 'postgresQueue',
    create: () => postgresQueue({ pool, queue: 'conformance' }),
    reset: (queue) => (queue as ReturnType<typeof postgresQueue>).purge(),
  },
  { describe, it },
);

// Every statement also runs unnamed, as it must behind a transaction-mode pooler that cannot keep prepared statements.
queueConformance(
  {
    name: 'postgresQueue with prepare: false',
    create: () => postgresQueue({ pool, queue: 'conformance', prepare: false }),
    reset: (queue) => (queue as ReturnType<typeof postgresQueue>).purge(),
  },
  { describe, it },
);
