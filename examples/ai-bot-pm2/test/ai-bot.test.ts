import { type Pm2TestDaemon, startPm2Daemon } from '@fleet/provider-pm2/testing';
import { type EmbeddedPostgres, startPostgres } from '@fleet/queue-postgres/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startAiBot } from '../ai-bot.js';

// A real PostgreSQL and a real PM2 daemon in its own PM2_HOME, both stopped by pid at the end.
let server: EmbeddedPostgres;
let daemon: Pm2TestDaemon;
beforeAll(async () => {
  server = await startPostgres();
  daemon = await startPm2Daemon(); // with its own client: the test's view of PM2's process list
}, 60_000);
afterAll(async () => {
  await daemon?.stop();
  await server?.destroy();
}, 30_000);

/** PM2's own process list, through our client: not the provider's answer. */
const pm2List = () => daemon.list();
const online = async () =>
  (await pm2List())
    .filter((p) => p.pm2_env?.status === 'online')
    .map((p) => p.name ?? '')
    .sort();

it('S0, shortened: 12 messages → ai-bot-worker-1..3 in PM2, each message handled once, back to worker-1', async () => {
  const bot = await startAiBot({ databaseUrl: server.url, pm2Home: daemon.home, intervalMs: 500, cooldownDownMs: 3_000, handleMs: 300 });
  const scaled: Array<[number, number]> = [];
  bot.scaler.on('scaled', (e) => scaled.push([e.from, e.to]));
  try {
    await bot.queue.enqueue(Array.from({ length: 12 }, (_, i) => ({ payload: { text: `message ${i + 1}` } })));
    let most: string[] = [];
    for (let i = 0; i < 200 && !(scaled.length >= 2 && (await bot.queue.stats()).completedTotal === 12); i++) {
      const names = await online();
      if (names.length > most.length) most = names;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(scaled[0]).toEqual([1, 3]); // 12 ready over 1 worker > 8: ceil(12/5)
    expect(most).toEqual(['ai-bot-worker-1', 'ai-bot-worker-2', 'ai-bot-worker-3']);
    expect(scaled[scaled.length - 1]).toEqual([3, 1]);
    expect(await bot.queue.stats()).toMatchObject({ completedTotal: 12, redeliveredTotal: 0, ready: 0, dead: 0 });
    for (let i = 0; i < 100 && (await online()).length > 1; i++) await new Promise((r) => setTimeout(r, 100));
    expect(await online()).toEqual(['ai-bot-worker-1']);
  } finally {
    await bot.stop({ removeWorkers: true });
  }
  expect(await online()).toEqual([]); // named mode keeps the stopped apps registered, none online
});
