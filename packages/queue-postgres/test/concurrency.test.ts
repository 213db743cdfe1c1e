import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresQueue } from '../src/index.js';
import { testDatabase } from './database.js';
import { spawnWorker, stopAll, until, type WorkerProcess } from './processes.js';

const JOBS = 20_000;
const PROCESSES = 4;
const PER_PROCESS = 4; // 16 claimers in all
// Enough for the unlocked claim to collide many times over; the same processes, claimers and ledger as above.
const CONTROL_JOBS = 2_000;

let url: string;
let pool: pg.Pool;

beforeAll(async () => {
  url = await testDatabase('concurrency');
  pool = new pg.Pool({ connectionString: url, max: 4 });
  await postgresQueue({ pool }).migrate();
});
afterAll(() => pool.end());

/** The ledger is ours, not the queue's: one row per job number, unique; a second complete lands in `duplicates`. */
async function freshLedger() {
  await pool.query('drop table if exists ledger, duplicates');
  await pool.query('create table ledger (i integer primary key, pid integer not null, token text not null)');
  await pool.query('create table duplicates (i integer not null, pid integer not null)');
}

async function ledger() {
  const { rows } = await pool.query<{ done: number; dup: number; pids: number }>(
    'select (select count(*)::int from ledger) as done, (select count(*)::int from duplicates) as dup, (select count(distinct pid)::int from ledger) as pids',
  );
  return rows[0] as { done: number; dup: number; pids: number };
}

async function enqueueAll(queueName: string, count: number) {
  const queue = postgresQueue<{ i: number }>({ pool, queue: queueName });
  for (let start = 0; start < count; start += 5_000) {
    await queue.enqueue(Array.from({ length: Math.min(5_000, count - start) }, (_, k) => ({ payload: { i: start + k } })));
  }
  return queue;
}

describe(`${PROCESSES} processes × ${PER_PROCESS} claimers drain ${JOBS} jobs`, () => {
  it('postgresQueue through runWorker: every job completed exactly once, none lost', async () => {
    await freshLedger();
    const queue = await enqueueAll('drain', JOBS);
    const workers: WorkerProcess[] = Array.from({ length: PROCESSES }, () => spawnWorker('fleet', url, 'drain', PER_PROCESS));
    try {
      await until(async () => (await ledger()).done + (await ledger()).dup >= JOBS, 90_000, 'the ledger to fill');
    } finally {
      await stopAll(workers);
    }
    const result = await ledger();
    expect(result).toEqual({ done: JOBS, dup: 0, pids: PROCESSES });
    const stats = await queue.stats();
    expect([stats.ready, stats.running, stats.dead, stats.completedTotal]).toEqual([0, 0, 0, JOBS]);
    expect((await pool.query("select count(*)::int as n from fleet.jobs where queue = 'drain'")).rows[0].n).toBe(0);
  }, 120_000);

  it('the control: a naive SELECT-then-UPDATE claim hands jobs out twice, and the same ledger catches it', async () => {
    await freshLedger();
    await enqueueAll('naive', CONTROL_JOBS);
    const workers = Array.from({ length: PROCESSES }, () => spawnWorker('naive', url, 'naive', PER_PROCESS));
    try {
      await Promise.all(workers.map((w) => w.exited));
    } finally {
      await stopAll(workers, 'SIGKILL');
    }
    const result = await ledger();
    expect(result.dup).toBeGreaterThan(0);
    expect(result.done).toBe(CONTROL_JOBS);
  }, 120_000);
});
