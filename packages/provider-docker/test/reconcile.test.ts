import { Autoscaler } from '@fleet/core';
import { fixedMetric, followMetric } from '@fleet/core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { dockerProvider } from '../src/index.js';
import { TEST_IMAGE, until } from './support/dockerd.js';
import { groupOptions, noEngine, removeGroup, running, useEngine } from './support/engine.js';

const signal = new AbortController().signal;

describe.skipIf(noEngine)('dockerProvider: reconcile with what others do', () => {
  const engine = useEngine();
  const options = (group: string) => groupOptions(engine(), group, { min: 1, max: 10 });
  afterEach(async () => {
    for (const group of ['heal', 'outside']) await removeGroup(engine(), group);
  });

  it('a container killed from outside is replaced, under the same name, on the next tick', async () => {
    const provider = dockerProvider(options('heal'));
    const scaler = new Autoscaler({
      metrics: fixedMetric({ desired: 3 }),
      policy: followMetric(),
      provider,
      min: 1,
      max: 10,
      intervalMs: 1_000,
    });
    let ticks = 0;
    scaler.on('tick', () => ticks++);
    scaler.start();
    try {
      // Started, not only created: `running()` also lists containers still starting, and those cannot be killed.
      const started = async () => (await running(engine(), 'heal')).filter((c) => c.State === 'running');
      expect(await until(async () => (await started()).length === 3, 15_000)).toBe(true);
      const victim = (await started()).find((c) => c.Names[0] === '/heal-2');
      await engine()
        .docker.getContainer(victim?.Id as string)
        .kill();
      const ticksAtKill = ticks;
      const replaced = await until(async () => {
        const list = await running(engine(), 'heal');
        return list.length === 3 && list.some((c) => c.Names[0] === '/heal-2' && c.Id !== victim?.Id);
      }, 10_000);
      expect(replaced).toBe(true);
      // The tick in flight at the kill may have read the list just before it: the next one replaces.
      expect(ticks - ticksAtKill).toBeLessThanOrEqual(2);
      expect(await engine().docker.listContainers({ all: true, filters: { label: ['fleet.group=heal'] } })).toHaveLength(3);
    } finally {
      await scaler.stop();
    }
  });

  it('containers added or removed by someone else are counted and reported as lastScaledAt, never undone by status()', async () => {
    const provider = dockerProvider(options('outside'));
    await provider.scaleTo(2, { reason: 'test', signal });
    const ours = await provider.status(signal);
    expect(ours).toMatchObject({ target: 2, lastScaleDirection: 'up' });

    const beforeAdd = Date.now();
    const added = await engine().docker.createContainer({
      // By hand the way the provider names its own: a container belongs to the group by its name and both labels.
      name: 'outside-7',
      Image: TEST_IMAGE,
      Labels: { 'fleet.group': 'outside', 'fleet.index': '7' },
      HostConfig: { NetworkMode: 'none' },
    });
    await added.start();
    const afterAdd = await provider.status(signal);
    expect(afterAdd).toMatchObject({ target: 3, lastScaleDirection: 'up' });
    expect(afterAdd.lastScaledAt).toBeGreaterThanOrEqual(beforeAdd);
    expect(await until(async () => (await provider.status(signal)).ready === 3)).toBe(true);

    const beforeRemove = Date.now();
    await added.remove({ force: true });
    const afterRemove = await provider.status(signal);
    expect(afterRemove).toMatchObject({ target: 2, lastScaleDirection: 'down' });
    expect(afterRemove.lastScaledAt).toBeGreaterThanOrEqual(beforeRemove);
    // Nothing changed since: the next look keeps the same record.
    expect((await provider.status(signal)).lastScaledAt).toBe(afterRemove.lastScaledAt);

    // A provider started later (an Autoscaler restart) sees the newest container's creation as the last scale-up.
    const fresh = dockerProvider(options('outside'));
    const seen = await fresh.status(signal);
    const newest = Math.max(...(await running(engine(), 'outside')).map((c) => c.Created * 1000));
    expect(seen).toMatchObject({ target: 2, lastScaledAt: newest, lastScaleDirection: 'up' });
  });
});
