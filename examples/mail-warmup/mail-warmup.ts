import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Autoscaler, utilization } from '@fleet/core';
import { processProvider } from '@fleet/provider-local';
import { sqlMetric } from '@fleet/queue-postgres';
import pg from 'pg';
import type { MailWarmupConfig } from './config.js';
import { s2Routes } from './s2-routes.js';

/**
 * S2: every interval, utilization = active mailboxes / (workers × 1000); above 80 % → +1 worker, below 30 % → −1;
 * cooldowns 5 min up, 10 min down; `GET /api/auto-scaler/status`, `POST /api/auto-scaler/trigger`. Workers are
 * local processes running `warmup-worker.mjs`; `platform: manual` only recommends (dryRun), as S2's did.
 */
export async function startMailWarmup(c: MailWarmupConfig & { DATABASE_URL: string }) {
  if (c.AUTO_SCALER_PLATFORM === 'docker' || c.AUTO_SCALER_PLATFORM === 'kubernetes') {
    const pkg = c.AUTO_SCALER_PLATFORM === 'docker' ? '@fleet/provider-docker' : '@fleet/provider-k8s';
    throw new Error(`[mail-warmup] AUTO_SCALER_PLATFORM=${c.AUTO_SCALER_PLATFORM} needs ${pkg}: see the README; use local or manual`);
  }
  const pool = new pg.Pool({ connectionString: c.DATABASE_URL, max: 2 });
  const provider = processProvider({
    name: 'warmup-worker',
    script: new URL('./warmup-worker.mjs', import.meta.url).pathname,
    env: { DATABASE_URL: c.DATABASE_URL },
    min: c.AUTO_SCALER_MIN_WORKERS,
    max: c.AUTO_SCALER_MAX_WORKERS,
    output: 'ignore',
    drainTimeoutMs: 10_000,
  });
  const scaler = new Autoscaler({
    name: 'mail-warmup',
    metrics: sqlMetric({ pool, name: 'mailboxes', query: 'select count(*)::int as mailboxes from mailboxes where active' }),
    provider,
    policy: utilization({
      metric: 'mailboxes',
      capacityPerWorker: c.AUTO_SCALER_MAILBOXES_PER_WORKER,
      scaleUpAbove: c.AUTO_SCALER_SCALE_UP_THRESHOLD,
      scaleDownBelow: c.AUTO_SCALER_SCALE_DOWN_THRESHOLD,
    }),
    min: c.AUTO_SCALER_MIN_WORKERS,
    max: c.AUTO_SCALER_MAX_WORKERS,
    intervalMs: c.AUTO_SCALER_INTERVAL_MS,
    cooldown: { up: c.AUTO_SCALER_COOLDOWN_UP_MS, down: c.AUTO_SCALER_COOLDOWN_DOWN_MS },
    dryRun: c.AUTO_SCALER_PLATFORM === 'manual',
  });
  const server = createServer(
    s2Routes(scaler, { token: c.AUTO_SCALER_ADMIN_TOKEN, mailboxesPerWorker: c.AUTO_SCALER_MAILBOXES_PER_WORKER }),
  );
  await new Promise<void>((resolve) => server.listen(c.AUTO_SCALER_PORT, '127.0.0.1', resolve));
  if (c.AUTO_SCALER_ENABLED === 'true') scaler.start();
  return {
    scaler,
    provider,
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/auto-scaler`,
    async stop() {
      await scaler.stop();
      await new Promise((resolve) => server.close(resolve));
      await provider.close();
      await pool.end();
    },
  };
}
