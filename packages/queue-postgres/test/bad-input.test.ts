import { isFleetError } from '@fleet/core';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { membership, postgresLeader, postgresQueue, sqlMetric } from '../src/index.js';
import { testDatabase } from './database.js';

type Queue = ReturnType<typeof postgresQueue>;
const TOKEN = '00000000-0000-4000-8000-000000000000';
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
    ['a job id beyond bigint', (q) => q.extend({ id: '9999999999999999999', token: TOKEN }, 1_000), 'lease-lost', ['not live']],
    ['a priority beyond int32', (q) => q.enqueue({ payload: 1, priority: 2 ** 31 }), 'invalid-input', ['priority']],
    ['maxAttempts beyond a million', (q) => q.enqueue({ payload: 1, maxAttempts: 2 ** 31 }), 'invalid-input', ['maxAttempts']],
    ['a runAt past year 9999', (q) => q.enqueue([{ payload: 1 }, { payload: 2, runAt: 1e17 }]), 'invalid-input', ['1.runAt']],
    ['a claim leaseMs beyond a timer', (q) => q.claim('w', { leaseMs: 1e16 }), 'invalid-input', ['leaseMs']],
    ['a claim max beyond 1000', (q) => q.claim('w', { max: 1e9 }), 'invalid-input', ['max']],
    ['a worker id with NUL', (q) => q.claim('w\0x'), 'invalid-input', ['workerId']],
    [
      'a completeAndClaim leaseMs beyond a timer',
      (q) => q.completeAndClaim({ id: '1', token: TOKEN }, 'w', { leaseMs: 1e16 }),
      'invalid-input',
      ['leaseMs'],
    ],
    ['an extend beyond a timer', (q) => q.extend({ id: '1', token: TOKEN }, 1e16), 'invalid-input', ['leaseMs']],
    ['a fail retryInMs beyond a timer', (q) => q.fail({ id: '1', token: TOKEN }, 'x', { retryInMs: 1e16 }), 'invalid-input', ['retryInMs']],
    [
      'a dedup key with a lone surrogate (the database would store another key)',
      (q) =>
        q.enqueue([
          { payload: 1, dedupKey: 'ok' },
          { payload: 2, dedupKey: 'half \ud800' },
        ]),
      'invalid-input',
      ['1.dedupKey', 'surrogate'],
    ],
    ['a lease token with NUL', (q) => q.complete({ id: '1', token: 'a\0b' }), 'invalid-input', ['token']],
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

  it.each<[string, () => unknown]>([
    ['defaultMaxAttempts', () => postgresQueue({ pool, defaultMaxAttempts: 2 ** 31 })],
    ['backoff.maxMs', () => postgresQueue({ pool, backoff: { baseMs: 1_000, maxMs: 1e16 } })],
    ['backoff.baseMs', () => postgresQueue({ pool, backoff: { baseMs: -1, maxMs: 1_000 } })],
    ['ttlMs', () => membership({ pool, group: 'g', ttlMs: 1e16 })],
    ['intervalMs', () => membership({ pool, group: 'g', intervalMs: 2 ** 31 })],
    ['group', () => membership({ pool, group: 'a\0b' })],
    ['memberId', () => membership({ pool, group: 'g', memberId: 'a\0b' })],
    ['timeoutMs', () => postgresLeader({ connectionString: 'postgres://127.0.0.1/x', timeoutMs: 1e16 })],
    ['name', () => postgresLeader({ connectionString: 'postgres://127.0.0.1/x', name: 'a\0b' })],
    ['timeoutMs', () => sqlMetric({ pool, query: 'select 1 as n', timeoutMs: 1e16 })],
  ])('refuses an option the database or a timer cannot hold: %s', async (field, build) => {
    await refused(Promise.resolve().then<unknown>(build), 'invalid-options', field);
  });

  it('stores a fail error text with NUL characters (as U+FFFD) instead of failing with a driver error', async () => {
    const queue = postgresQueue({ pool, queue: 'nul' });
    await queue.purge();
    await queue.enqueue({ payload: 1, maxAttempts: 1 });
    const [job] = await queue.claim('w');
    await queue.fail(job as never, new Error('bad\0byte'));
    expect((await queue.listDead()).map((dead) => dead.lastError)).toEqual(['bad\uFFFDbyte']);
  });

  it('stores a payload with NUL characters in its strings and keys, and gives it back unchanged', async () => {
    const queue = postgresQueue({ pool, queue: 'nul' });
    await queue.purge();
    const payload = { text: 'a\0b', 'key\0': ['\0'] };
    await queue.enqueue({ payload });
    const [job] = await queue.claim('w');
    expect(job?.payload).toEqual(payload);
    await queue.fail(job as never, 'again', { retryInMs: 0 });
    const [again] = await queue.claim('w');
    expect(again?.payload).toEqual(payload);
  });
});
