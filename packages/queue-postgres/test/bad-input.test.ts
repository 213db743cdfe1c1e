import { isFleetError } from '@fleet/core';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresQueue } from '../src/index.js';
import { testDatabase } from './database.js';

type Queue = ReturnType<typeof postgresQueue>;
let pool: pg.Pool;

beforeAll(async () => {
  pool = new pg.Pool({ connectionString: await testDatabase('bad_input'), max: 4 });
  await postgresQueue({ pool }).migrate();
});
afterAll(() => pool.end());

/** The table as the database has it, read without the queue: what must not change after a refused call. */
const snapshot = async () =>
  (await pool.query('select id, payload::text, attempt, token, lease_until, run_at from fleet.jobs order by id')).rows;

async function refused(call: Promise<unknown>, code: string, ...mentions: string[]) {
  const error = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(isFleetError(error, code as never), `expected a ${code} error, got ${String(error)}`).toBe(true);
  const message = (error as Error).message;
  expect(message.startsWith('[fleet] [queue-postgres] ')).toBe(true);
  for (const word of mentions) expect(message).toContain(word);
  return message;
}

describe('bad input: a clear error, and nothing changed', () => {
  const cases: [string, (q: Queue) => Promise<unknown>, string, string[]][] = [
    ['a payload that is not JSON-serialisable', (q) => q.enqueue({ payload: { at: new Date() } }), 'invalid-input', ['payload.at']],
    ['a negative lease on claim', (q) => q.claim('w', { leaseMs: -1 }), 'invalid-input', ['leaseMs']],
    [
      'an unknown job id',
      (q) => q.complete({ id: '987654321', token: '00000000-0000-4000-8000-000000000000' }),
      'lease-lost',
      ['987654321', 'not live'],
    ],
    ['a job id that is not a number', (q) => q.extend({ id: '1; drop table fleet.jobs', token: 'x' }, 1_000), 'lease-lost', ['not live']],
  ];
  it.each(cases)('%s', async (_label, call, code, mentions) => {
    const queue = postgresQueue({ pool, queue: 'bad' });
    await queue.purge();
    await queue.enqueue([{ payload: 'held' }, { payload: 'waiting' }]);
    await queue.claim('holder', { leaseMs: 60_000 });
    const before = await snapshot();
    await refused(call(queue), code, ...mentions);
    expect(await snapshot()).toEqual(before);
  });

  it('a wrong token (a real token of another job) is refused and the holder keeps its job', async () => {
    const queue = postgresQueue({ pool, queue: 'bad' });
    await queue.purge();
    await queue.enqueue([{ payload: 1 }, { payload: 2 }]);
    const [mine, other] = await queue.claim('holder', { max: 2, leaseMs: 60_000 });
    if (!mine || !other) throw new Error('expected two jobs');
    const before = await snapshot();
    await refused(queue.complete({ id: mine.id, token: other.token }), 'lease-lost', mine.id, 'token');
    await refused(queue.fail({ id: mine.id, token: 'not-a-uuid' }, new Error('x')), 'lease-lost', mine.id);
    expect(await snapshot()).toEqual(before);
    await queue.complete(mine);
  });

  it('refuses schema and queue names that are not plain identifiers, naming the field', async () => {
    await refused(
      Promise.resolve().then(() => postgresQueue({ pool, schema: 'fleet"; drop table x; --' })),
      'invalid-options',
      'schema',
    );
    await refused(
      Promise.resolve().then(() => postgresQueue({ pool, queue: 'Mixed Case' })),
      'invalid-options',
      'queue',
    );
    await refused(
      Promise.resolve().then(() => postgresQueue({} as never)),
      'invalid-options',
      'pool',
    );
  });
});
