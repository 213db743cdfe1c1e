import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Pm2Api, Pm2Constructor, Pm2Process } from '@fleet/provider-pm2';
import { type EmbeddedPostgres, startPostgres } from '@fleet/queue-postgres/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startAiBot } from '../ai-bot.js';

// A real PostgreSQL and a real PM2 daemon in its own PM2_HOME, both stopped by pid at the end.
const pm2Home = mkdtempSync(join(tmpdir(), 'fleet-ai-bot-pm2-'));
let server: EmbeddedPostgres;
let pm2: Pm2Api;
beforeAll(async () => {
  server = await startPostgres();
  // Our own client of the daemon (it starts the daemon in this PM2_HOME): the test's view of PM2's process list.
  const { custom } = createRequire(import.meta.url)('pm2') as { custom: Pm2Constructor };
  pm2 = new custom({ pm2_home: pm2Home, daemon_mode: true });
  await new Promise<void>((resolve, reject) => pm2.connect((e) => (e ? reject(e) : resolve())));
}, 60_000);
afterAll(async () => {
  pm2?.disconnect();
  const pid = Number(readFileSync(join(pm2Home, 'pm2.pid'), 'utf8'));
  process.kill(pid, 'SIGTERM');
  for (let i = 0; i < 100 && alive(pid); i++) await new Promise((r) => setTimeout(r, 100));
  rmSync(pm2Home, { recursive: true, force: true });
  await server?.destroy();
}, 30_000);
const alive = (pid: number) => {
  try {
    return process.kill(pid, 0);
  } catch {
    return false;
  }
};

/** PM2's own process list, through our client: not the provider's answer. */
const pm2List = () => new Promise<Pm2Process[]>((resolve, reject) => pm2.list((e, list) => (e ? reject(e) : resolve(list ?? []))));
const online = async () =>
  (await pm2List())
    .filter((p) => p.pm2_env?.status === 'online')
    .map((p) => p.name ?? '')
    .sort();

it('S0, shortened: 12 messages → ai-bot-worker-1..3 in PM2, each message handled once, back to worker-1', async () => {
  const bot = await startAiBot({ databaseUrl: server.url, pm2Home, intervalMs: 500, cooldownDownMs: 3_000, handleMs: 300 });
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
