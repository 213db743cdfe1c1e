import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PostgresLeader, postgresLeader } from '../src/index.js';
import { testDatabase } from './database.js';

let url: string;
let admin: pg.Pool;
const signal = new AbortController().signal;

beforeAll(async () => {
  url = await testDatabase('leader');
  admin = new pg.Pool({ connectionString: url, max: 2 });
});
afterAll(() => admin.end());

/** Who holds the advisory lock, read from pg_locks rather than from the electors. */
const lockHolders = async () =>
  (await admin.query<{ pid: number }>("select pid from pg_locks where locktype = 'advisory' and granted")).rows.map((r) => r.pid);

describe('postgresLeader', () => {
  it('one leader among candidates; a dropped session loses leadership (an event) and another takes over', async () => {
    const a = postgresLeader({ connectionString: url, name: 'scaler', id: 'a' });
    const b = postgresLeader({ connectionString: url, name: 'scaler', id: 'b' });
    const lost: unknown[] = [];
    a.on('lost', (event) => lost.push(event));
    try {
      expect(await a.campaign(signal)).toBe(true);
      expect(await b.campaign(signal)).toBe(false);
      expect(await a.campaign(signal)).toBe(true);
      expect(await lockHolders()).toHaveLength(1);
      // Another name is another election.
      const c = postgresLeader({ connectionString: url, name: 'other', id: 'c' });
      expect(await c.campaign(signal)).toBe(true);
      await c.close();
      // The server drops the leader's session (a network cut, a failover): the lock goes with it.
      const [holder] = await lockHolders();
      await admin.query('select pg_terminate_backend($1)', [holder]);
      const deadline = Date.now() + 5_000;
      while (lost.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      expect(lost).toEqual([expect.objectContaining({ id: 'a', reason: 'connection' })]);
      expect(a.leading).toBe(false);
      expect(await b.campaign(signal)).toBe(true);
      expect(await a.campaign(signal)).toBe(false);
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('resign hands over at once; close releases the lock', async () => {
    const a = postgresLeader({ connectionString: url, name: 'handover', id: 'a' });
    const b = postgresLeader({ connectionString: url, name: 'handover', id: 'b' });
    try {
      expect(await a.campaign(signal)).toBe(true);
      await a.resign();
      expect(await b.campaign(signal)).toBe(true);
      expect(await a.campaign(signal)).toBe(false);
      await b.close();
      expect(await a.campaign(signal)).toBe(true);
    } finally {
      await a.close();
      await b.close();
    }
    expect(await lockHolders()).toEqual([]);
  });

  it('an unreachable server is not leading, and an abort rejects', async () => {
    const leader: PostgresLeader = postgresLeader({ connectionString: 'postgres://postgres@127.0.0.1:1/none', timeoutMs: 500 });
    expect(await leader.campaign(signal)).toBe(false);
    const controller = new AbortController();
    controller.abort(new Error('tick over'));
    await expect(leader.campaign(controller.signal)).rejects.toThrow('tick over');
    await leader.close();
  });

  it('refuses bad options, naming the field', () => {
    expect(() => postgresLeader({ connectionString: '' })).toThrow(/connectionString/);
  });
});
