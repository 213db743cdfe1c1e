import { shardOf } from '@fleet/core';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { membership, postgresQueue, sqlMetric } from '../src/index.js';
import { testDatabase } from './database.js';

let pool: pg.Pool;

beforeAll(async () => {
  pool = new pg.Pool({ connectionString: await testDatabase('membership'), max: 4 });
  await postgresQueue({ pool }).migrate();
});
afterAll(() => pool.end());

describe('membership', () => {
  it('live members own disjoint shares of the keys; a stopped or silent member drops out', async () => {
    const a = membership({ pool, group: 'warm', memberId: 'a', ttlMs: 400, intervalMs: 100 });
    const b = membership({ pool, group: 'warm', memberId: 'b', ttlMs: 400, intervalMs: 100 });
    const c = membership({ pool, group: 'warm', memberId: 'c', ttlMs: 400, intervalMs: 100_000 });
    await Promise.all([a.start(), b.start(), c.start()]);
    try {
      expect(await a.members()).toEqual(['a', 'b', 'c']);
      const keys = Array.from({ length: 60 }, (_, i) => `mailbox-${i}@example.com`);
      const owners = await Promise.all(keys.map(async (key) => [await a.owns(key), await b.owns(key), await c.owns(key)]));
      expect(owners.every((flags) => flags.filter(Boolean).length === 1)).toBe(true);
      expect(keys.filter((_, i) => owners[i]?.[0])).toEqual(keys.filter((key) => shardOf(key, ['a', 'b', 'c']) === 'a'));
      // c beats only once: after its TTL it is gone, and a and b share everything.
      await new Promise((r) => setTimeout(r, 600));
      expect(await b.members()).toEqual(['a', 'b']);
      await b.stop();
      expect(await a.members()).toEqual(['a']);
      expect(await Promise.all(keys.map((key) => a.owns(key)))).toEqual(keys.map(() => true));
      expect(await b.owns(keys[0] as string)).toBe(false);
    } finally {
      await Promise.all([a.stop(), c.stop()]);
    }
  });
});

describe('sqlMetric', () => {
  it('reads the first row as numbers, counts included', async () => {
    await pool.query('create table mailboxes (id serial, active boolean)');
    await pool.query('insert into mailboxes (active) select i % 3 = 0 from generate_series(1, 30) i');
    const source = sqlMetric({
      pool,
      name: 'mailboxes',
      query: 'select count(*) as mailboxes, $1::numeric as capacity from mailboxes where active',
      params: [1000],
    });
    expect(source.name).toBe('mailboxes');
    expect(await source.read(new AbortController().signal)).toEqual({ mailboxes: 10, capacity: 1000 });
  });

  it('a failed, empty or non-numeric read throws (an outage), never zero', async () => {
    const signal = new AbortController().signal;
    await expect(sqlMetric({ pool, query: 'select count(*) from missing_table' }).read(signal)).rejects.toThrow(/missing_table/);
    await expect(sqlMetric({ pool, query: 'select 1 as n where false' }).read(signal)).rejects.toThrow(/no row/);
    await expect(sqlMetric({ pool, query: "select 'many' as n" }).read(signal)).rejects.toThrow(/not a finite number/);
    expect(() => sqlMetric({ pool, query: '' })).toThrow(/query/);
    expect(() => sqlMetric({ query: 'select 1 as n' })).toThrow(/pool: expected exactly one of pool or connectionString/);
  });

  it('opens its own pool from a connectionString, and close() ends it', async () => {
    const url = (pool as unknown as { options: { connectionString: string } }).options.connectionString;
    const source = sqlMetric({ connectionString: url, query: 'select 7 as n' });
    expect(await source.read(new AbortController().signal)).toEqual({ n: 7 });
    await source.close();
    await expect(source.read(new AbortController().signal)).rejects.toThrow(/end/i);
  });
});
