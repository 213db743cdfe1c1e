import { Autoscaler, type ErrorPhase, isFleetError } from '@fleet/core';
import { fixedMetric, followMetric } from '@fleet/core/testing';
import { describe, expect, it } from 'vitest';
import { dockerProvider } from '../src/index.js';
import { until } from './support/dockerd.js';
import { groupOptions, noEngine, running, useEngine } from './support/engine.js';

const signal = new AbortController().signal;

describe.skipIf(noEngine)('dockerProvider: engine failures', () => {
  const engine = useEngine();

  it('a missing image fails scaleTo with an error naming the image and how to get it; nothing is left half-made', async () => {
    const provider = dockerProvider({
      group: 'noimage',
      template: { image: 'acme/not-here:9.9', networkMode: 'none' },
      docker: { socketPath: engine().socket },
    });
    const error = await provider.scaleTo(2, { reason: 'test', signal }).catch((e: unknown) => e);
    expect(isFleetError(error, 'provider-failed')).toBe(true);
    expect((error as Error).message).toMatch(
      /^\[fleet\] \[provider-docker\] create noimage-\d: the image acme\/not-here:9\.9 is not on the Docker engine/,
    );
    expect((error as Error).message).toContain('docker pull acme/not-here:9.9');
    expect(await engine().docker.listContainers({ all: true, filters: { label: ['fleet.group=noimage'] } })).toHaveLength(0);
  });

  it("the daemon stopped mid-scale: error events with phase 'provider', the loop goes on, and it resumes once the daemon is back", async () => {
    const docker = dockerProvider(groupOptions(engine(), 'outage', { min: 1, max: 6 }));
    const desired = fixedMetric({ desired: 1 });
    const scaler = new Autoscaler({
      metrics: desired,
      policy: followMetric(),
      provider: docker,
      min: 1,
      max: 6,
      intervalMs: 300,
    });
    const errors: { phase: ErrorPhase; message: string }[] = [];
    let ticks = 0;
    scaler.on('error', ({ phase, error }) => errors.push({ phase, message: error.message }));
    scaler.on('tick', () => ticks++);
    scaler.start();
    try {
      expect(await until(async () => (await running(engine(), 'outage')).length === 1, 10_000)).toBe(true);
      desired.set({ desired: 6 });
      // Stop the daemon while the scale-up is under way.
      await until(async () => (await running(engine(), 'outage')).length > 1, 10_000, 10);
      await engine().halt();
      const ticksAtHalt = ticks;
      // The calls in flight may get the engine's own shutdown errors; the next ones say where the engine was expected.
      const unreachable = `cannot reach the Docker engine at unix://${engine().socket}`;
      expect(await until(() => errors.some((e) => e.phase === 'provider' && e.message.includes(unreachable)), 15_000)).toBe(true);
      for (const { message } of errors) expect(message).toMatch(/^\[fleet\] \[provider-docker\] /);
      expect(await until(() => ticks > ticksAtHalt + 2, 10_000)).toBe(true); // the loop goes on

      await engine().start(); // the same data root: the containers are there, stopped by the daemon's shutdown
      expect(await until(async () => (await running(engine(), 'outage')).length === 6, 30_000)).toBe(true);
      expect(await until(async () => (await docker.status(signal)).ready === 6, 20_000)).toBe(true);
    } finally {
      await scaler.stop();
    }
  }, 60_000);
});
