import { fileURLToPath } from 'node:url';
import { Autoscaler, ceilTarget, type MetricSource } from '@fleet/core';
import { postgresQueue } from '@fleet/queue-postgres';
import { type EmbeddedPostgres, startPostgres } from '@fleet/queue-postgres/testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pm2Provider } from '../src/index.js';
import { deleteApps, startTestDaemon, type TestDaemon, until } from './support/daemon.js';

/**
 * The queue the Autoscaler and the PM2 workers share: @fleet/queue-postgres on a real (embedded) PostgreSQL, and an
 * independent ledger table where each worker records the jobs it starts and finishes.
 */
async function sharedQueue() {
  const server = process.env.DATABASE_URL ? undefined : await startPostgres();
  const url = process.env.DATABASE_URL ?? (server as EmbeddedPostgres).url;
  const queue = postgresQueue<{ message: number }>({ connectionString: url, queue: 's0', poolSize: 2 });
  await queue.migrate();
  const db = new pg.Client({ connectionString: url });
  // The server is destroyed right after this client ends: a late FATAL from it is expected, not a test failure.
  db.on('error', () => {});
  await db.connect();
  await db.query(
    'drop table if exists s0_ledger; create table s0_ledger (job_id text not null, worker_id text not null, kind text not null)',
  );
  const ledger = async (kind: 'start' | 'done') =>
    (
      await db.query<{ id: string; workerId: string }>('select job_id as id, worker_id as "workerId" from s0_ledger where kind = $1', [
        kind,
      ])
    ).rows;
  return {
    enqueue: (n: number) => queue.enqueue(Array.from({ length: n }, (_, i) => ({ payload: { message: i } }))),
    stats: () => queue.stats(),
    // S0's "pending": messages waiting or being answered.
    metrics: {
      name: 'pending',
      read: async () => {
        const s = await queue.stats();
        return { pending: s.ready + s.running };
      },
    } satisfies MetricSource,
    workerEnv: { DATABASE_URL: url },
    claims: () => ledger('start'),
    completes: () => ledger('done'),
    close: async () => {
      await queue.close();
      await db.end();
      await server?.destroy();
    },
  };
}

const script = fileURLToPath(new URL('./fixtures/pg-queue-worker.mjs', import.meta.url));
let daemon: TestDaemon;
beforeAll(async () => {
  daemon = await startTestDaemon();
}, 30_000);
afterAll(async () => {
  await deleteApps(daemon, 'ai-bot-worker');
  await daemon?.stop();
}, 30_000);

describe('S0 end to end: one Autoscaler, PM2 named mode, runWorker with a 1.2 s handler', () => {
  it('16 messages → 4 workers online; the queue empties → back to 1 after the cooldown; each message handled once', async () => {
    const queue = await sharedQueue();
    const provider = pm2Provider({
      mode: 'named',
      name: 'ai-bot-worker',
      script,
      min: 1,
      max: 10,
      drainTimeoutMs: 10_000,
      pm2Home: daemon.home,
      env: { ...queue.workerEnv, JOB_MS: '1200', DRAIN_MS: '10000' },
    });
    const cooldownDownMs = 8_000;
    const scaler = new Autoscaler({
      metrics: queue.metrics,
      provider,
      // S0: msgs/worker > 8 → ceil(pending/5); < 2 → max(ceil(pending/7.5), 1); pending 0 → min.
      policy: ceilTarget({ metric: 'pending', perWorker: 5, scaleUpAbove: 8, scaleDownBelow: 2, downDivisor: 7.5 }),
      min: 1,
      max: 10,
      intervalMs: 500, // S0 ticks every 10 s; shortened so the test is quick
      cooldown: { up: 0, down: cooldownDownMs },
    });
    const scaled: { at: number; from: number; to: number; reason: string }[] = [];
    scaler.on('scaled', (e) => scaled.push(e));
    const errors: string[] = [];
    scaler.on('error', ({ phase, error }) => errors.push(`${phase}: ${error.message}`));

    await provider.scaleTo(1, { reason: 'worker-1 is always online', signal: new AbortController().signal });
    const ids = await queue.enqueue(16);
    // PM2's own list, polled: the most workers seen online at once.
    let mostOnline = 0;
    let watching = true;
    const watch = (async () => {
      while (watching) {
        const online = (await daemon.list()).filter((p) => p.name?.startsWith('ai-bot-worker-') && p.pm2_env?.status === 'online');
        mostOnline = Math.max(mostOnline, online.length);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    })();
    scaler.start();

    expect(await until(async () => (await queue.completes()).length === 16, 40_000)).toBe(true);
    expect(await until(() => scaled.some((s) => s.to === 1), cooldownDownMs + 10_000)).toBe(true);
    await scaler.stop();
    watching = false;
    await watch;

    expect(scaled.map(({ from, to }) => [from, to])).toEqual([
      [1, 4],
      [4, 1],
    ]);
    expect(scaled[0]?.reason).toMatch(/16/);
    expect((scaled[1]?.at ?? 0) - (scaled[0]?.at ?? 0)).toBeGreaterThanOrEqual(cooldownDownMs);
    expect(mostOnline).toBe(4);
    expect(await until(async () => (await provider.status(new AbortController().signal)).target === 1, 15_000)).toBe(true);
    // Exactly once: each message claimed once, completed once, no redelivery.
    const [claims, completes] = [await queue.claims(), await queue.completes()];
    expect(completes.map((c) => c.id).sort()).toEqual([...ids].sort());
    expect(new Set(claims.map((c) => c.id)).size).toBe(16);
    expect(claims).toHaveLength(16);
    expect(new Set(claims.map((c) => c.workerId)).size).toBe(4);
    expect(await queue.stats()).toMatchObject({ completedTotal: 16, redeliveredTotal: 0, ready: 0, running: 0, dead: 0 });
    expect(errors).toEqual([]);
    await provider.close();
    await queue.close();
  }, 90_000);
});
