import { Autoscaler, httpJsonMetric, targetTracking } from '@fleet/core';
import { pm2Provider } from '@fleet/provider-pm2';

/** Where the app listens and how quickly the loop reacts; the test shortens the times. */
export interface WebClusterOptions {
  port: number;
  /** @default 4 */
  max?: number;
  /** @default 15_000 */
  intervalMs?: number;
  /** @default { up: 30_000, down: 120_000 } */
  cooldown?: { up: number; down: number };
  pm2Home?: string;
  /** How long a request takes in the app. @default 200 */
  workMs?: number;
}

/**
 * S4: one PM2 app `web` in cluster mode (`exec_mode: 'cluster'`, instances share the port); the Autoscaler reads
 * requests in flight from an instance and keeps them near 10 per instance with `targetTracking`, calling PM2's
 * scale. Scale-in deletes the newest instances (instance 0 stays).
 */
export async function startWebCluster(o: WebClusterOptions) {
  const provider = pm2Provider({
    mode: 'instances',
    execMode: 'cluster',
    name: 'web',
    script: new URL('./server.cjs', import.meta.url).pathname,
    env: { PORT: String(o.port), WORK_MS: String(o.workMs ?? 200) },
    min: 0, // the Autoscaler keeps at least 1; 0 lets `stop({ removeApp })` clear PM2
    max: o.max ?? 4,
    waitReady: true,
    drainTimeoutMs: 5_000,
    ...(o.pm2Home ? { pm2Home: o.pm2Home } : {}),
  });
  if ((await provider.status(AbortSignal.timeout(30_000))).target === 0) {
    await provider.scaleTo(1, { reason: 'start the app', signal: AbortSignal.timeout(60_000) });
  }
  const scaler = new Autoscaler({
    name: 'web',
    metrics: httpJsonMetric({ url: `http://127.0.0.1:${o.port}/internal/metrics`, path: { inFlight: 'inFlight' } }),
    provider,
    policy: targetTracking({ metric: 'inFlight', targetValue: 10 }),
    min: 1,
    max: o.max ?? 4,
    intervalMs: o.intervalMs ?? 15_000,
    cooldown: o.cooldown ?? { up: 30_000, down: 120_000 },
  });
  scaler.start();
  return {
    provider,
    scaler,
    async stop({ removeApp = false } = {}) {
      await scaler.stop();
      if (removeApp) await provider.scaleTo(0, { reason: 'example stopped', signal: AbortSignal.timeout(60_000) });
      await provider.close();
    },
  };
}
