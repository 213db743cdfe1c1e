import { fileURLToPath } from 'node:url';
import { Autoscaler, type ErrorPhase } from '@fleet/core';
import { fixedMetric, followMetric } from '@fleet/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pm2Provider } from '../src/index.js';
import { startTestDaemon, type TestDaemon, until } from './support/daemon.js';

const script = fileURLToPath(new URL('./fixtures/idle.cjs', import.meta.url));
let daemon: TestDaemon;
beforeAll(async () => {
  daemon = await startTestDaemon();
}, 30_000);
afterAll(() => daemon?.stop(), 30_000);

const online = async () => (await daemon.list()).filter((p) => p.name?.startsWith('ha-') && p.pm2_env?.status === 'online').length;

describe('the PM2 daemon killed under the Autoscaler', () => {
  it("reports error events with phase 'provider', keeps ticking, and scales again once a daemon is back", async () => {
    const provider = pm2Provider({
      mode: 'named',
      name: 'ha',
      script,
      min: 1,
      max: 4,
      pm2Home: daemon.home,
      startDaemon: false,
      callTimeoutMs: 2_000,
    });
    const desired = fixedMetric({ desired: 1 });
    const scaler = new Autoscaler({
      metrics: desired,
      provider,
      policy: followMetric(),
      min: 1,
      max: 4,
      intervalMs: 300,
      cooldown: { up: 0, down: 0 },
    });
    const errors: { phase: ErrorPhase; message: string }[] = [];
    let ticks = 0;
    scaler.on('error', ({ phase, error }) => errors.push({ phase, message: error.message }));
    scaler.on('tick', () => ticks++);
    scaler.start();
    expect(await until(async () => (await online()) === 1, 10_000)).toBe(true);

    await daemon.kill();
    desired.set({ desired: 3 });
    const ticksAtKill = ticks;
    expect(await until(() => errors.filter((e) => e.phase === 'provider').length >= 2, 15_000)).toBe(true);
    expect(errors[0]?.message).toMatch(/^\[fleet\] \[provider-pm2\] /);
    expect(await until(() => ticks > ticksAtKill + 2, 15_000)).toBe(true); // the loop goes on

    await daemon.restart(); // a new daemon in the same PM2_HOME, with no apps registered
    expect(await until(async () => (await online()) === 3, 20_000)).toBe(true);
    expect((await provider.status(new AbortController().signal)).target).toBe(3);
    await scaler.stop();
    await provider.close();
  }, 60_000);
});
