import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresQueue } from '../src/index.js';
import { type EmbeddedPostgres, startPostgres } from '../src/testing/index.js';
import { spawnWorker, stopAll, until, type WorkerProcess } from './processes.js';

const JOBS = 3_000;

// This file restarts the server, so it starts its own rather than disturbing the run's shared one.
let server: EmbeddedPostgres;

beforeAll(async () => {
  server = await startPostgres();
});
afterAll(() => server?.destroy());

describe('the PostgreSQL server restarted mid-run', () => {
  it('workers reconnect and finish; nothing lost, nothing completed twice', async () => {
    const admin = new pg.Pool({ connectionString: server.url, max: 2 });
    admin.on('error', () => {});
    const queue = postgresQueue<{ i: number }>({ pool: admin, queue: 'restart' });
    await queue.migrate();
    await admin.query('create table ledger (i integer primary key, pid integer not null, token text not null)');
    await admin.query('create table duplicates (i integer not null, pid integer not null)');
    await queue.enqueue(Array.from({ length: JOBS }, (_, i) => ({ payload: { i } })));
    const count = async () => (await admin.query<{ n: number }>('select count(*)::int as n from ledger')).rows[0]?.n ?? 0;
    const workers: WorkerProcess[] = [
      spawnWorker('fleet', server.url, 'restart', 4, 3_000),
      spawnWorker('fleet', server.url, 'restart', 4, 3_000),
    ];
    try {
      await until(async () => (await count()) >= JOBS / 10, 60_000, 'the workers to get going');
      const beforeStop = await count();
      await server.stop();
      expect(beforeStop, 'the restart came mid-run').toBeLessThan(JOBS);
      await new Promise((r) => setTimeout(r, 1_000));
      await server.start();
      await until(async () => (await count().catch(() => 0)) >= JOBS, 90_000, 'the ledger to fill after the restart');
    } finally {
      await stopAll(workers);
    }
    const stats = await queue.stats();
    const dup = (await admin.query<{ n: number }>('select count(*)::int as n from duplicates')).rows[0]?.n;
    const done = await count();
    await admin.end();
    expect({ done, dup }).toEqual({ done: JOBS, dup: 0 });
    expect([stats.ready, stats.delayed, stats.running, stats.dead, stats.completedTotal]).toEqual([0, 0, 0, 0, JOBS]);
  }, 180_000);
});
