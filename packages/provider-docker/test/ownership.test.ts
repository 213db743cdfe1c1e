import { Autoscaler, isFleetError } from '@fleet/core';
import { fixedMetric, followMetric } from '@fleet/core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { dockerProvider } from '../src/index.js';
import { until } from './support/dockerd.js';
import { createOutsider, fingerprint as fingerprintOf, groupOptions, noEngine, removeGroup, useEngine } from './support/engine.js';

const signal = new AbortController().signal;

describe.skipIf(noEngine)('dockerProvider: only its own containers', () => {
  const engine = useEngine();
  const foreign: string[] = [];
  const options = (group: string) => groupOptions(engine(), group, { min: 0, max: 5 });
  // A container made by someone else, with whatever name and labels they gave it.
  const outsider = async (name: string, labels: Record<string, string>, run = true) => {
    foreign.push(name);
    return (await createOutsider(engine(), name, labels, run)).id;
  };
  const fingerprint = (name: string) => fingerprintOf(engine(), name);
  const names = async (group: string) =>
    (await engine().docker.listContainers({ all: true, filters: { label: [`fleet.group=${group}`] } })).map((c) => c.Names[0]).sort();
  afterEach(async () => {
    for (const name of foreign.splice(0))
      await engine()
        .docker.getContainer(name)
        .remove({ force: true })
        .catch(() => {});
    for (const group of ['cron', 'prod', 'squat', 'dead']) await removeGroup(engine(), group);
  });

  it('a stopped container that only carries the group label (billing-cron) survives status() and scaleTo', async () => {
    const id = await outsider('billing-cron', { 'fleet.group': 'cron', 'fleet.index': '1' });
    await engine().docker.getContainer(id).stop({ t: 0 });
    const before = await fingerprint('billing-cron');
    expect(before.status).toBe('exited');
    const provider = dockerProvider(options('cron'));

    const seen = await provider.status(signal);
    expect(await fingerprint('billing-cron')).toEqual(before);
    expect(seen).toMatchObject({ target: 0, ready: 0 });

    await provider.scaleTo(2, { reason: 'test', signal });
    await provider.scaleTo(0, { reason: 'test', signal });
    expect(await provider.status(signal)).toMatchObject({ target: 0 });
    expect(await fingerprint('billing-cron')).toEqual(before);
    expect(await names('cron')).toEqual(['/billing-cron']);
  });

  it('a running container with both labels but another name (postgres-prod) survives scaleTo(1)', async () => {
    const provider = dockerProvider(options('prod'));
    await provider.scaleTo(2, { reason: 'test', signal });
    await outsider('postgres-prod', { 'fleet.group': 'prod', 'fleet.index': '3' });
    const before = await fingerprint('postgres-prod');
    expect(await provider.status(signal)).toMatchObject({ target: 2 });

    await provider.scaleTo(1, { reason: 'test', signal });
    expect(await fingerprint('postgres-prod')).toEqual(before);
    expect(before.status).toBe('running');
    expect(await names('prod')).toEqual(['/postgres-prod', '/prod-1']);
  });

  it('squatters on the group’s names are never touched, are named in the error, and the fleet reaches its target on other indexes', async () => {
    // One with no labels, one with the group's label but another index: both hold a name the group would use.
    await outsider('squat-2', {});
    await outsider('squat-4', { 'fleet.group': 'squat', 'fleet.index': '1' });
    const before = [await fingerprint('squat-2'), await fingerprint('squat-4')];
    const provider = dockerProvider(options('squat'));
    const scaler = new Autoscaler({
      metrics: fixedMetric({ desired: 3 }),
      policy: followMetric(),
      provider,
      min: 0,
      max: 5,
      intervalMs: 300,
    });
    const errors: string[] = [];
    scaler.on('error', ({ phase, error }) => errors.push(`${phase}: ${error.message}`));
    let ticks = 0;
    scaler.on('tick', () => ticks++);
    scaler.start();
    try {
      expect(await until(() => errors.length > 0 && ticks >= 3, 20_000)).toBe(true);
    } finally {
      await scaler.stop();
    }
    expect(errors[0]).toMatch(/^provider: \[fleet\] \[provider-docker\] squat-2, squat-4: hold names of group squat without being/);
    // Reached on the first tick: the later ticks hold, nothing is retried against the squatters.
    expect(errors).toHaveLength(1);
    const running = (await engine().docker.listContainers({ filters: { name: ['^/squat-'], status: ['running'] } }))
      .map((c) => c.Names[0])
      .sort();
    expect(running).toEqual(['/squat-1', '/squat-2', '/squat-3', '/squat-4', '/squat-5']);
    expect(await provider.status(signal)).toMatchObject({ target: 3 });
    expect([await fingerprint('squat-2'), await fingerprint('squat-4')]).toEqual(before);

    // A direct call says the same; scaling in takes only members.
    const again = await provider.scaleTo(4, { reason: 'test', signal }).catch((e: unknown) => e);
    expect(isFleetError(again, 'provider-failed')).toBe(true);
    expect((again as Error).message).toContain('squat-2, squat-4: hold names of group squat');
    await provider.scaleTo(0, { reason: 'test', signal });
    expect(await provider.status(signal)).toMatchObject({ target: 0 });
    expect([await fingerprint('squat-2'), await fingerprint('squat-4')]).toEqual(before);
  });

  it('status() changes nothing: a member that died is left as it is and not counted; the next scaleTo replaces it under its name', async () => {
    const provider = dockerProvider(options('dead'));
    await provider.scaleTo(2, { reason: 'test', signal });
    await engine().docker.getContainer('dead-2').kill();
    expect(await until(async () => (await fingerprint('dead-2')).status === 'exited')).toBe(true);
    const before = await fingerprint('dead-2');

    const seen = [await provider.status(signal), await provider.status(signal)];
    expect(await fingerprint('dead-2')).toEqual(before);
    expect(seen).toMatchObject([{ target: 1 }, { target: 1 }]);

    await provider.scaleTo(2, { reason: 'test', signal });
    const after = await fingerprint('dead-2');
    expect(after.id).not.toBe(before.id);
    expect(await names('dead')).toEqual(['/dead-1', '/dead-2']);
    expect(await provider.status(signal)).toMatchObject({ target: 2 });
  });
});
