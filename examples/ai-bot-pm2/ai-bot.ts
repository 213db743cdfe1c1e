import { Autoscaler, ceilTarget } from '@fleet/core';
import { pm2Provider } from '@fleet/provider-pm2';
import { postgresQueue } from '@fleet/queue-postgres';

/** What S0 needs to run; the test shortens the times. */
export interface AiBotOptions {
  databaseUrl: string;
  /** PM2's home (its daemon). @default PM2_HOME, else ~/.pm2 */
  pm2Home?: string;
  /** S0: 10 s. */
  intervalMs?: number;
  /** S0: 60 s. */
  cooldownDownMs?: number;
  /** How long a worker takes per message (S0's hot message: 1.2 s). */
  handleMs?: number;
}

/** The queue name shared by the Autoscaler and the workers. */
export const QUEUE = 'ai_bot_messages';

/**
 * S0's daemon: the claim queue's depth drives up to 10 PM2 apps ai-bot-worker-1..10 (worker-1 always online), each
 * running `worker.mjs` (runWorker). Above 8 messages per worker → ceil(ready / 5); below 2 → ceil(ready / 7.5);
 * 60 s scale-down cooldown. Stopped workers get SIGINT and finish the message they hold.
 */
export async function startAiBot(o: AiBotOptions) {
  const queue = postgresQueue<{ text: string }>({ connectionString: o.databaseUrl, queue: QUEUE });
  await queue.migrate();
  const provider = pm2Provider({
    mode: 'named',
    name: 'ai-bot-worker',
    script: new URL('./worker.mjs', import.meta.url).pathname,
    env: { DATABASE_URL: o.databaseUrl, HANDLE_MS: String(o.handleMs ?? 1_200) },
    min: 0, // the Autoscaler keeps worker-1 online; 0 here lets `stop({ removeWorkers })` clear PM2
    max: 10,
    drainTimeoutMs: 30_000,
    ...(o.pm2Home ? { pm2Home: o.pm2Home } : {}),
  });
  const scaler = new Autoscaler({
    name: 'ai-bot',
    metrics: queue.metricSource(),
    provider,
    policy: ceilTarget({ metric: 'ready', perWorker: 5, scaleUpAbove: 8, scaleDownBelow: 2, downDivisor: 7.5 }),
    min: 1,
    max: 10,
    intervalMs: o.intervalMs ?? 10_000,
    cooldown: { up: 0, down: o.cooldownDownMs ?? 60_000 },
  });
  // S0's worker-1 is always online, also before the first tick.
  if ((await provider.status(AbortSignal.timeout(30_000))).target === 0) {
    await provider.scaleTo(1, { reason: 'worker-1 is always online', signal: AbortSignal.timeout(60_000) });
  }
  scaler.start();
  return {
    queue,
    provider,
    scaler,
    /** Stops the Autoscaler; with `removeWorkers`, also stops every PM2 app (the demo; a daemon leaves them running). */
    async stop({ removeWorkers = false } = {}) {
      await scaler.stop();
      if (removeWorkers) await provider.scaleTo(0, { reason: 'example stopped', signal: AbortSignal.timeout(60_000) });
      await provider.close();
      await queue.close();
    },
  };
}
