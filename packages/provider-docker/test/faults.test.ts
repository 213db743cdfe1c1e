import { Autoscaler, isFleetError, type ScalingProvider } from '@fleet/core';
import { fixedMetric, followMetric } from '@fleet/core/testing';
import { describe, expect, it } from 'vitest';
import { dockerProvider } from '../src/index.js';
import { until } from './support/dockerd.js';
import { createOutsider, fingerprint as fingerprintOf, groupOptions, noEngine, useEngine } from './support/engine.js';

// Fault injection: the test's own dockerd is restarted (stopped by its pid, started on the same data root) while
// an Autoscaler scales the group, three times at three moments. Everything is counted through the test's own client.
describe.skipIf(noEngine)('dockerProvider under faults: dockerd restarted while the fleet scales', () => {
  const engine = useEngine();
  const group = 'restart';

  // Every container that could be the group's, whatever its state: a leak or a duplicate shows here.
  const ours = async () =>
    (await engine().docker.listContainers({ all: true, filters: { name: [`^/${group}-`] } })).map((c) => ({
      name: c.Names[0] ?? '',
      index: c.Labels['fleet.index'],
      state: c.State,
    }));
  const fingerprint = (name: string) => fingerprintOf(engine(), name);
  const outsider = async (name: string, labels: Record<string, string>) => {
    const c = await createOutsider(engine(), name, labels);
    await c.stop({ t: 0 }); // exited: a daemon restart leaves it as it is, so any change would be the provider's
  };

  it('reports provider-failed, never stops ticking, and converges with nothing leaked, duplicated or foreign touched', async () => {
    await outsider('billing-cron', { 'fleet.group': group });
    await outsider('postgres-prod', { 'fleet.group': group, 'fleet.index': '2' });
    const foreignBefore = [await fingerprint('billing-cron'), await fingerprint('postgres-prod')];

    const docker = dockerProvider(groupOptions(engine(), group, { min: 1, max: 8 }));
    // The same provider, with a count of the scaleTo calls in flight so a restart can land inside one.
    let scaling = 0;
    const provider: ScalingProvider = {
      name: docker.name,
      capabilities: docker.capabilities,
      status: (signal) => docker.status(signal),
      async scaleTo(target, request) {
        scaling++;
        try {
          await docker.scaleTo(target, request);
        } finally {
          scaling--;
        }
      },
    };
    const desired = fixedMetric({ desired: 1 });
    const scaler = new Autoscaler({
      metrics: desired,
      policy: followMetric(),
      provider,
      min: 1,
      max: 8,
      intervalMs: 300,
      providerTimeoutMs: 30_000,
      retry: { baseMs: 200, maxMs: 1_000 },
    });
    const errors: unknown[] = [];
    const phases = new Set<string>();
    let ticks = 0;
    scaler.on('error', ({ phase, error }) => {
      phases.add(phase);
      errors.push(error);
    });
    scaler.on('tick', () => ticks++);

    let restarts = 0;
    const restart = async (during: () => Promise<unknown>) => {
      await during();
      await engine().halt();
      restarts++;
      const ticksAtHalt = ticks;
      expect(await until(() => ticks > ticksAtHalt + 1, 20_000)).toBe(true); // the loop ticks on without the engine
      await engine().start();
    };
    const converged = (n: number) =>
      until(async () => {
        const list = await ours();
        return list.length === n && list.every((c) => c.state === 'running') && new Set(list.map((c) => c.index)).size === n;
      }, 60_000);

    scaler.start();
    try {
      expect(await converged(1)).toBe(true);

      // 1. Inside a scale-up, once some of the new containers run.
      desired.set({ desired: 6 });
      await restart(() => until(async () => scaling > 0 && (await ours()).filter((c) => c.state === 'running').length >= 2, 20_000, 10));
      expect(await converged(6)).toBe(true);

      // 2. Inside a scale-down, while containers are being stopped.
      desired.set({ desired: 2 });
      await restart(() => until(() => scaling > 0, 20_000, 5));
      expect(await converged(2)).toBe(true);

      // 3. Between ticks: no call in flight; the target moves while the engine is away.
      await until(() => scaling === 0, 20_000, 5);
      await restart(async () => desired.set({ desired: 5 }));
      expect(await converged(5)).toBe(true);
    } finally {
      await scaler.stop();
    }

    const final = await ours();
    const names = final.map((c) => c.name).sort();
    const expected = ['/restart-1', '/restart-2', '/restart-3', '/restart-4', '/restart-5'];
    const leaked = final.filter((c) => !expected.includes(c.name)).length;
    const foreignAfter = await Promise.all(['billing-cron', 'postgres-prod'].map((n) => fingerprint(n).catch(() => undefined)));
    const touched = foreignAfter.filter((f, i) => JSON.stringify(f) !== JSON.stringify(foreignBefore[i])).length;
    const duplicated = final.length - new Set(final.map((c) => c.index)).size;
    console.log(
      `[faults] restarts ${restarts}, target 5, final containers ${final.length}, leaked ${leaked}, duplicated ${duplicated}, foreign touched ${touched}`,
    );

    expect(restarts).toBe(3);
    expect(names).toEqual(expected);
    expect(final.map((c) => c.index).sort()).toEqual(['1', '2', '3', '4', '5']);
    expect(leaked).toBe(0);
    expect(duplicated).toBe(0);
    expect(touched).toBe(0);
    expect([...phases]).toEqual(['provider']);
    expect(errors.some((e) => isFleetError(e, 'provider-failed'))).toBe(true);
    expect(await docker.status(new AbortController().signal)).toMatchObject({ target: 5, ready: 5 });
  }, 240_000);
});
