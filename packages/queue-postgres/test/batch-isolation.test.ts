import { isFleetError } from '@fleet/core';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresQueue } from '../src/index.js';
import { testDatabase } from './database.js';

const CALLERS = 40;
let pool: pg.Pool;

beforeAll(async () => {
  pool = new pg.Pool({ connectionString: await testDatabase('batch_isolation'), max: 4 });
  await postgresQueue({ pool }).migrate();
  // A real failure the server raises for one row only: deleting (completing) a job whose payload says "poison".
  await pool.query(`
    create function fleet.refuse_poison() returns trigger language plpgsql as $$
    begin
      if old.payload::text like '%poison%' then raise exception 'poisoned job %', old.id; end if;
      return old;
    end $$;
    create trigger refuse_poison before delete on fleet.jobs for each row execute function fleet.refuse_poison()`);
});
afterAll(() => pool.end());

/** Settles every call: its value, or its error. */
const settle = <T>(calls: Promise<T>[]) => Promise.allSettled(calls);
const rows = async (queue: string) =>
  (await pool.query<{ id: string; token: string | null }>('select id::text, token::text from fleet.jobs where queue = $1', [queue])).rows;

describe('one bad entry in a shared statement fails only its own caller', () => {
  it('completes of many callers in one turn: the poisoned one fails, every other one succeeds and runs once', async () => {
    const queue = postgresQueue<{ n: number; poison?: true }>({ pool, queue: 'completes' });
    await queue.enqueue(Array.from({ length: CALLERS }, (_, n) => ({ payload: n === 17 ? { n, poison: true } : { n } })));
    const held = await queue.claim('w', { max: CALLERS, leaseMs: 60_000 });
    expect(held).toHaveLength(CALLERS);
    const results = await settle(held.map((job) => queue.complete(job)));
    const failed = held.filter((_, i) => results[i]?.status === 'rejected');
    expect(failed.map((job) => job.payload)).toEqual([{ n: 17, poison: true }]);
    expect(String((results.find((r) => r.status === 'rejected') as PromiseRejectedResult).reason)).toContain('poisoned job');
    // Only the poisoned job is still held; nothing went back to be run again.
    expect(await rows('completes')).toEqual([{ id: failed[0]?.id, token: failed[0]?.token }]);
    const stats = await queue.stats();
    expect([stats.completedTotal, stats.redeliveredTotal, stats.running, stats.ready]).toEqual([CALLERS - 1, 0, 1, 0]);
  });

  it('completeAndClaim of many callers: the good ones complete and each claims its own next job', async () => {
    const queue = postgresQueue<{ n: number; poison?: true }>({ pool, queue: 'folded' });
    await queue.enqueue(Array.from({ length: CALLERS }, (_, n) => ({ payload: n === 3 ? { n, poison: true } : { n } })));
    const held = await queue.claim('first', { max: CALLERS, leaseMs: 60_000 });
    await queue.enqueue(Array.from({ length: CALLERS }, (_, n) => ({ payload: { n: 100 + n } })));
    const results = await settle(held.map((job, i) => queue.completeAndClaim(job, `w${i}`, { max: 1, leaseMs: 60_000 })));
    expect(results.map((r) => r.status).filter((s) => s === 'rejected')).toHaveLength(1);
    expect(results[3]?.status).toBe('rejected');
    const next = results.flatMap((r) => (r.status === 'fulfilled' ? r.value : []));
    expect(next).toHaveLength(CALLERS - 1);
    expect(new Set(next.map((job) => job.id)).size).toBe(CALLERS - 1);
    // Each job claimed is held under the worker id of the caller it was handed to.
    const owners = await pool.query<{ id: string; worker_id: string }>(
      "select id::text, worker_id from fleet.jobs where queue = 'folded' and token is not null",
    );
    const ownerOf = new Map(owners.rows.map((row) => [row.id, row.worker_id]));
    results.forEach((r, i) => {
      if (r.status === 'fulfilled') expect(ownerOf.get(r.value[0]?.id as string)).toBe(`w${i}`);
    });
    const stats = await queue.stats();
    expect([stats.completedTotal, stats.redeliveredTotal, stats.running, stats.ready]).toEqual([CALLERS - 1, 0, CALLERS, 1]);
  });

  it('ids that are not a bigint in range are lease-lost without a round trip, and callers beside them succeed', async () => {
    const queue = postgresQueue({ pool, queue: 'forged' });
    await queue.enqueue(Array.from({ length: 8 }, (_, n) => ({ payload: { n } })));
    const held = await queue.claim('w', { max: 8, leaseMs: 60_000 });
    const token = held[0]?.token as string;
    const forged = ['9223372036854775808', '9999999999999999999', '99999999999999999999', 'abc', '-1', '0'].map((id) => ({ id, token }));
    const results = await settle([...forged, ...held].map((job) => queue.complete(job)));
    for (const r of results.slice(0, forged.length)) {
      expect(r.status).toBe('rejected');
      expect(isFleetError((r as PromiseRejectedResult).reason, 'lease-lost'), String((r as PromiseRejectedResult).reason)).toBe(true);
    }
    expect(results.slice(forged.length).map((r) => r.status)).toEqual(held.map(() => 'fulfilled'));
    for (const job of forged) {
      await expect(queue.extend(job, 1_000)).rejects.toMatchObject({ code: 'lease-lost' });
      await expect(queue.fail(job, new Error('x'))).rejects.toMatchObject({ code: 'lease-lost' });
    }
    expect(await queue.requeueDead(forged.map((job) => job.id))).toEqual([]);
    expect((await queue.stats()).completedTotal).toBe(8);
  });
});
