import { Autoscaler, ceilTarget, QUEUE_STAT_KEYS } from '@fleet/core';
import { memoryProvider } from '@fleet/core/testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresQueue, SCHEMA_VERSION } from '../src/index.js';
import { testDatabase } from './database.js';

let url: string;
let pool: pg.Pool;

beforeAll(async () => {
  url = await testDatabase('queue_extras');
  pool = new pg.Pool({ connectionString: url, max: 6 });
});
afterAll(() => pool.end());

describe('postgresQueue beyond the contract', () => {
  it('migrate is versioned and idempotent, also when copies run it at once, in any schema', async () => {
    const copies = Array.from({ length: 4 }, () => postgresQueue({ pool, schema: 'jobs_a' }));
    const applied = await Promise.all(copies.map((q) => q.migrate()));
    expect(applied.flat()).toEqual([SCHEMA_VERSION]);
    expect(await copies[0]?.migrate()).toEqual([]);
    const { rows } = await pool.query('select version from jobs_a.migrations');
    expect(rows).toEqual([{ version: SCHEMA_VERSION }]);
    await postgresQueue({ pool }).migrate();
  });

  it('its metric source declares the keys it reads, so a policy that reads another key is refused at construction', async () => {
    const q = postgresQueue({ pool, queue: 'keys' });
    const source = q.metricSource({ prefix: 'mail_' });
    const reading = await source.read(new AbortController().signal);
    expect(source.keys).toEqual(QUEUE_STAT_KEYS.map((key) => `mail_${key}`));
    expect(Object.keys(reading).sort()).toEqual([...(source.keys ?? [])].sort());
    const scaler = (metric: string) =>
      new Autoscaler({
        metrics: source,
        provider: memoryProvider(),
        policy: ceilTarget({ metric, perWorker: 5, scaleUpAbove: 8, scaleDownBelow: 2 }),
        min: 1,
        max: 5,
      });
    expect(() => scaler('mail_ready')).not.toThrow();
    expect(() => scaler('mail_redy')).toThrow(/mail_redy.*did you mean `mail_ready`/);
  });

  it('queues in one schema do not see each other', async () => {
    const a = postgresQueue({ pool, queue: 'a' });
    const b = postgresQueue({ pool, queue: 'b' });
    await a.enqueue({ payload: 'for a' });
    expect(await b.claim('w')).toEqual([]);
    expect((await b.stats()).ready).toBe(0);
    const [job] = await a.claim('w');
    expect(job?.payload).toBe('for a');
    await expect(b.complete(job as never)).rejects.toMatchObject({ code: 'lease-lost' });
    await a.complete(job as never);
  });

  it('dead jobs are listed with their last error and can be requeued with fresh attempts and their ids', async () => {
    const q = postgresQueue<{ n: number }>({ pool, queue: 'dead' });
    const ids = await q.enqueue([
      { payload: { n: 1 }, maxAttempts: 1 },
      { payload: { n: 2 }, maxAttempts: 1, dedupKey: 'k' },
    ]);
    for (const job of await q.claim('w', { max: 2 })) await q.fail(job, new Error(`boom ${job.payload.n}`));
    const dead = await q.listDead();
    expect(dead.map((d) => [d.id, d.payload, d.attempts, d.lastError, d.dedupKey])).toEqual([
      [ids[0], { n: 1 }, 1, 'boom 1', undefined],
      [ids[1], { n: 2 }, 1, 'boom 2', 'k'],
    ]);
    expect((await pool.query("select count(*)::int as n from fleet.jobs where queue = 'dead'")).rows[0].n).toBe(0);
    // The key is live again: that job stays dead; the other comes back.
    const [live] = await q.enqueue({ payload: { n: 3 }, dedupKey: 'k' });
    expect(await q.requeueDead()).toEqual([ids[0]]);
    expect((await q.stats()).dead).toBe(1);
    // A revived job waits behind the jobs already waiting.
    const [keyed, again] = await q.claim('w', { max: 2 });
    expect(keyed?.id).toBe(live);
    expect([again?.id, again?.attempt]).toEqual([ids[0], 1]);
    await q.complete(keyed as never);
    expect(await q.requeueDead([ids[1] as string])).toEqual([ids[1]]);
    expect(await q.listDead()).toEqual([]);
  });

  it('completes that arrive together go as one statement; each caller gets its own claims or its own refusal', async () => {
    const q = postgresQueue<number>({ pool, queue: 'folded' });
    await q.enqueue([1, 2, 3, 4, 5].map((payload) => ({ payload })));
    const [a, b, c] = await q.claim('w', { max: 3 });
    await q.complete(c as never);
    const sent: string[] = [];
    const query = pool.query.bind(pool);
    pool.query = ((config: { name?: string }, values?: never) => {
      sent.push(config.name ?? '');
      return query(config as never, values);
    }) as typeof pool.query;
    try {
      const [forA, forB, forC] = await Promise.allSettled([
        q.completeAndClaim(a as never, 'w', { max: 1 }),
        q.completeAndClaim(b as never, 'w', { max: 2 }),
        q.completeAndClaim(c as never, 'w', { max: 1 }),
      ]);
      expect(sent.filter((name) => name.includes('completeClaim'))).toHaveLength(1);
      expect(forA.status === 'fulfilled' && forA.value.map((job) => job.payload)).toEqual([4]);
      expect(forB.status === 'fulfilled' && forB.value.map((job) => job.payload)).toEqual([5]);
      expect(forC).toMatchObject({ status: 'rejected', reason: { code: 'lease-lost' } });
    } finally {
      pool.query = query;
    }
    expect(await q.stats()).toMatchObject({ ready: 0, running: 2, completedTotal: 3 });
  });

  it('in one statement, each token is checked against its own job: two holders that swap tokens are both refused', async () => {
    const q = postgresQueue<number>({ pool, queue: 'swapped' });
    await q.enqueue([1, 2, 3].map((payload) => ({ payload })));
    const [a, b] = await q.claim('w', { max: 2 });
    if (!a || !b) throw new Error('expected two claimed jobs');
    const [forA, forB] = await Promise.allSettled([
      q.completeAndClaim({ ...a, token: b.token }, 'w', { max: 1 }),
      q.completeAndClaim({ ...b, token: a.token }, 'w', { max: 1 }),
    ]);
    expect(forA).toMatchObject({ status: 'rejected', reason: { code: 'lease-lost' } });
    expect(forB).toMatchObject({ status: 'rejected', reason: { code: 'lease-lost' } });
    // Nothing completed and nothing claimed for them; with their own tokens both still complete.
    expect(await q.stats()).toMatchObject({ ready: 1, running: 2, completedTotal: 0 });
    await Promise.all([q.complete(a), q.complete(b)]);
    expect(await q.stats()).toMatchObject({ ready: 1, running: 0, completedTotal: 2 });
  });

  it('one pass completes, takes back an expired lease and buries a spent one, and counts each', async () => {
    const q = postgresQueue<string>({ pool, queue: 'one_pass' });
    await q.enqueue([{ payload: 'spent', maxAttempts: 1 }, { payload: 'expired' }, { payload: 'held' }]);
    await q.claim('gone', { max: 2, leaseMs: 100 });
    const [held] = await q.claim('w', { leaseMs: 60_000 });
    await new Promise((resolve) => setTimeout(resolve, 250));
    const next = await q.completeAndClaim(held as never, 'w', { max: 2 });
    expect(next.map((job) => [job.payload, job.attempt])).toEqual([['expired', 2]]);
    expect(await q.stats()).toMatchObject({ ready: 0, running: 1, dead: 1, completedTotal: 1, redeliveredTotal: 1 });
    expect((await q.listDead()).map((job) => [job.payload, job.lastError])).toEqual([['spent', 'lease expired on attempt 1 of 1']]);
  });

  it('archive keeps completed jobs out of the hot table', async () => {
    const q = postgresQueue({ pool, queue: 'archived', archive: true });
    const [id] = await q.enqueue({ payload: { kept: true } });
    await q.complete((await q.claim('w'))[0] as never);
    const { rows } = await pool.query("select id::text, payload from fleet.archive where queue = 'archived'");
    expect(rows).toEqual([{ id, payload: { kept: true } }]);
  });

  it('waitForJobs wakes on an enqueue from another process’s pool (NOTIFY), and on abort', async () => {
    const idle = postgresQueue({ connectionString: url, queue: 'wake' });
    const other = postgresQueue({ connectionString: url, queue: 'wake' });
    try {
      await idle.waitForJobs(1, new AbortController().signal); // opens the LISTEN connection
      const started = Date.now();
      const woke = idle.waitForJobs(30_000, new AbortController().signal).then(() => Date.now() - started);
      await new Promise((r) => setTimeout(r, 200));
      await other.enqueue({ payload: 'wake up' });
      expect(await woke).toBeLessThan(10_000);
      expect((await idle.claim('w'))[0]?.payload).toBe('wake up');
      const controller = new AbortController();
      const aborted = idle.waitForJobs(30_000, controller.signal);
      controller.abort();
      await aborted;
    } finally {
      await idle.close();
      await other.close();
    }
  });

  it('waitForJobs returns when a delayed job falls due, without a NOTIFY', async () => {
    const q = postgresQueue({ pool, queue: 'due' });
    await q.enqueue({ payload: 'soon', runAt: Date.now() + 300 });
    const started = Date.now();
    await q.waitForJobs(30_000, new AbortController().signal);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect((await q.claim('w'))[0]?.payload).toBe('soon');
    await q.close();
  });
});
