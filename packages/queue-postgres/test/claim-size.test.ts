import { MAX_CLAIM } from '@fleet/core';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresQueue } from '../src/index.js';
import { testDatabase } from './database.js';

let pool: pg.Pool;

beforeAll(async () => {
  pool = new pg.Pool({ connectionString: await testDatabase('claim_size'), max: 4 });
  await postgresQueue({ pool }).migrate();
});
afterAll(() => pool.end());

/** The pool, recording the values of every statement sent through it. */
function recordingPool() {
  const sent: unknown[][] = [];
  const spy = new Proxy(pool, {
    get(target, key) {
      if (key === 'query')
        return (config: pg.QueryConfig, values?: unknown[]) => {
          sent.push(config.values ?? values ?? []);
          return target.query(config, values);
        };
      const value = Reflect.get(target, key);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  return { spy, sent };
}

/** Entries of the longest array sent as a parameter (a PostgreSQL array literal or a JS array). */
const longestArray = (sent: unknown[][]) =>
  Math.max(
    0,
    ...sent.flat().map((v) => (Array.isArray(v) ? v.length : typeof v === 'string' && v.startsWith('{') ? v.split(',').length : 0)),
  );

describe('a claim sizes its work by the jobs it finds, not by max', () => {
  it(`a claim of ${MAX_CLAIM} on a queue of 3 jobs sends nothing ${MAX_CLAIM} entries long, and gets the 3`, async () => {
    const { spy, sent } = recordingPool();
    const queue = postgresQueue({ pool: spy, queue: 'few' });
    await queue.enqueue([{ payload: 1 }, { payload: 2 }, { payload: 3 }]);
    sent.length = 0;
    const jobs = await queue.claim('w', { max: MAX_CLAIM });
    expect(jobs.map((job) => job.payload)).toEqual([1, 2, 3]);
    expect(longestArray(sent)).toBe(1);
  });

  it('claims of several callers in one statement each get up to their own max, best jobs first, in order', async () => {
    const { spy, sent } = recordingPool();
    const queue = postgresQueue<number>({ pool: spy, queue: 'several' });
    await queue.enqueue(Array.from({ length: 10 }, (_, n) => ({ payload: n, priority: -n })));
    sent.length = 0;
    const [a, b, c] = await Promise.all([queue.claim('a', { max: 3 }), queue.claim('b', { max: MAX_CLAIM }), queue.claim('c', { max: 2 })]);
    // One statement, one entry per caller.
    expect(longestArray(sent)).toBe(3);
    expect([a, b, c].map((jobs) => jobs.map((job) => job.payload))).toEqual([[0, 1, 2], [3, 4, 5, 6, 7, 8, 9], []]);
    const owners = await pool.query<{ payload: number; worker_id: string }>(
      "select payload::text::int as payload, worker_id from fleet.jobs where queue = 'several' order by 1",
    );
    expect(owners.rows.map((row) => row.worker_id).join('')).toBe('aaabbbbbbb');
  });

  it(`refuses a max above ${MAX_CLAIM} before anything is sent, naming max`, async () => {
    const { spy, sent } = recordingPool();
    const queue = postgresQueue({ pool: spy, queue: 'huge' });
    sent.length = 0;
    await expect(queue.claim('w', { max: 1e7 })).rejects.toMatchObject({ code: 'invalid-input', message: expect.stringContaining('max') });
    await expect(
      queue.completeAndClaim({ id: '1', token: '00000000-0000-4000-8000-000000000000' }, 'w', { max: 1e9 }),
    ).rejects.toMatchObject({
      code: 'invalid-input',
      message: expect.stringContaining('max'),
    });
    expect(sent).toEqual([]);
  });

  it('the claim statement keeps one generic plan instead of being planned again on every run', async () => {
    // One connection, so the prepared statement and its plan counters are the ones pg_prepared_statements shows.
    const single = new pg.Pool({ connectionString: pool.options.connectionString, max: 1 });
    try {
      const queue = postgresQueue({ pool: single, queue: 'plans' });
      for (let k = 0; k < 20; k++) {
        await queue.enqueue([{ payload: 1 }, { payload: 2 }]);
        for (const job of await queue.claim('w', { max: k % 2 === 0 ? 1 : MAX_CLAIM })) await queue.complete(job);
      }
      const { rows } = await single.query<{ generic_plans: string; custom_plans: string }>(
        "select generic_plans, custom_plans from pg_prepared_statements where name like 'fleet_completeClaim_%'",
      );
      expect(rows).toHaveLength(1);
      expect(Number(rows[0]?.generic_plans)).toBeGreaterThan(Number(rows[0]?.custom_plans));
    } finally {
      await single.end();
    }
  });
});
