import { isFleetError, runWorker, silentLogger } from '@fleet/core';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresQueue } from '../src/index.js';
import { testDatabase } from './database.js';
import { spawnWorker, stopAll, until } from './processes.js';

const LEASE_MS = 1_500;
const HELD = 5;

let url: string;
let pool: pg.Pool;

beforeAll(async () => {
  url = await testDatabase('crash');
  pool = new pg.Pool({ connectionString: url, max: 6 });
  await postgresQueue({ pool }).migrate();
});
afterAll(() => pool.end());

describe('a worker process killed with SIGKILL while holding jobs', () => {
  it('loses nothing: others complete its jobs within the lease plus one wake-up, and its late complete is refused', async () => {
    const queue = postgresQueue<{ n: number }>({ pool, queue: 'crash' });
    await queue.enqueue(Array.from({ length: HELD }, (_, n) => ({ payload: { n } })));
    const doomed = spawnWorker('hang', url, 'crash', HELD, LEASE_MS);
    let held: { id: string; token: string }[];
    try {
      await doomed.waitFor(HELD, (line) => 'token' in line);
      held = doomed.lines.filter((line) => 'token' in line) as { id: string; token: string }[];
      expect((await queue.stats()).running).toBe(HELD);
    } finally {
      await stopAll([doomed], 'SIGKILL');
    }
    const killedAt = Date.now();
    const completedAt = new Map<string, number>();
    const survivor = runWorker({
      queue,
      concurrency: 2,
      leaseMs: 10_000,
      handleSignals: false,
      logger: silentLogger,
      workerId: 'survivor',
      handler: async () => {},
    });
    survivor.on('job-done', ({ job }) => completedAt.set(job.id, Date.now()));
    try {
      await until(async () => completedAt.size === HELD, 20_000, 'the survivor to complete the dead worker’s jobs');
    } finally {
      await survivor.stop();
    }
    expect([...completedAt.keys()].sort()).toEqual(held.map((job) => job.id).sort());
    // The survivor idles on waitForJobs, which wakes when the next lease runs out: no poll interval to wait through.
    const slowest = Math.max(...completedAt.values()) - killedAt;
    expect(slowest).toBeLessThan(LEASE_MS + 1_000);
    for (const stale of held) {
      const error = await queue.complete(stale).catch((e: unknown) => e);
      expect(isFleetError(error, 'lease-lost')).toBe(true);
      expect(String((error as Error).message)).toContain(stale.id);
    }
    const stats = await queue.stats();
    expect([stats.ready, stats.running, stats.dead, stats.completedTotal, stats.redeliveredTotal]).toEqual([0, 0, 0, HELD, HELD]);
  }, 60_000);
});
