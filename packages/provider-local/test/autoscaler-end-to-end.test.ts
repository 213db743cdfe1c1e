import { fileURLToPath } from 'node:url';
import { Autoscaler, ceilTarget } from '@fleet/core';
import { afterEach, describe, expect, it } from 'vitest';
import { type ProcessProvider, processProvider } from '../src/index.js';
// @ts-expect-error: a plain-JS test fixture without types
import { startQueueServer } from './support/http-queue.mjs';
import { childrenRunning, until } from './support/proc.js';

const script = fileURLToPath(new URL('./fixtures/queue-worker.mjs', import.meta.url));
let provider: ProcessProvider | undefined;
let server: { close(): Promise<void> } | undefined;
afterEach(async () => {
  await provider?.close();
  await server?.close();
});

describe('the embedded default under an Autoscaler (S0 shape, child processes)', () => {
  it('16 messages → 4 workers; the queue empties → back to 1 after the cooldown; each message handled once', async () => {
    const s = await startQueueServer();
    server = s;
    provider = processProvider({ script, name: 'bot', min: 1, max: 10, output: 'ignore', env: { QUEUE_URL: s.url, JOB_MS: '1200' } });
    const scaler = new Autoscaler({
      metrics: {
        name: 'pending',
        read: async () => {
          const stats = await s.queue.stats();
          return { pending: stats.ready + stats.running };
        },
      },
      provider,
      policy: ceilTarget({ metric: 'pending', perWorker: 5, scaleUpAbove: 8, scaleDownBelow: 2, downDivisor: 7.5 }),
      min: 1,
      max: 10,
      intervalMs: 500,
      cooldown: { up: 0, down: 8_000 },
    });
    const scaled: { at: number; from: number; to: number }[] = [];
    scaler.on('scaled', (e) => scaled.push(e));
    const ids: string[] = await s.queue.enqueue(Array.from({ length: 16 }, (_, i) => ({ payload: { i } })));
    let most = 0;
    const watch = setInterval(() => {
      most = Math.max(most, childrenRunning(script).length);
    }, 50);
    scaler.start();
    expect(await until(() => s.completes.length === 16, 40_000)).toBe(true);
    expect(await until(() => scaled.some((e) => e.to === 1), 20_000)).toBe(true);
    await scaler.stop();
    expect(await until(() => childrenRunning(script).length === 1, 15_000)).toBe(true);
    clearInterval(watch);

    expect(scaled.map(({ from, to }) => [from, to])).toEqual([
      [1, 4],
      [4, 1],
    ]);
    expect((scaled[1]?.at ?? 0) - (scaled[0]?.at ?? 0)).toBeGreaterThanOrEqual(8_000);
    expect(most).toBe(4); // the OS's view
    expect(s.completes.map((c: { id: string }) => c.id).sort()).toEqual([...ids].sort());
    expect(s.claims).toHaveLength(16);
    expect(await s.queue.stats()).toMatchObject({ completedTotal: 16, redeliveredTotal: 0, ready: 0, running: 0 });
  }, 90_000);
});
