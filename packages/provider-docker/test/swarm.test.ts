import { isFleetError } from '@fleet/core';
import { providerConformance } from '@fleet/core/testing';
import type Dockerode from 'dockerode';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { swarmProvider } from '../src/index.js';
import { TEST_IMAGE, until } from './support/dockerd.js';
import { noEngine, useEngine } from './support/engine.js';

const signal = new AbortController().signal;

describe.skipIf(noEngine)('swarmProvider on a single-node swarm of the isolated dockerd', () => {
  const engine = useEngine();
  beforeAll(async () => {
    // Listening on 127.0.0.1 only, on a port the kernel picks, so nothing outside the host can join.
    await engine().docker.swarmInit({ ListenAddr: '127.0.0.1:0', AdvertiseAddr: '127.0.0.1' });
  }, 30_000);

  let seq = 0;
  const services: string[] = [];
  const createService = async (replicas: number) => {
    const name = `svc${++seq}`;
    services.push(name);
    await engine().docker.createService({
      Name: name,
      TaskTemplate: { ContainerSpec: { Image: TEST_IMAGE, StopGracePeriod: 1_000_000_000 } },
      Mode: { Replicated: { Replicas: replicas } },
    });
    return name;
  };
  // The engine's own container list: Swarm labels each task's container with its service.
  const runningOf = async (service: string) =>
    (await engine().docker.listContainers({ filters: { label: [`com.docker.swarm.service.name=${service}`], status: ['running'] } })).sort(
      (a, b) => a.Created - b.Created,
    );
  afterEach(async () => {
    for (const name of services.splice(0))
      await engine()
        .docker.getService(name)
        .remove()
        .catch(() => {});
  });

  let current = '';
  providerConformance(
    {
      name: 'swarmProvider',
      create: async () => {
        current = await createService(1);
        return swarmProvider({ service: current, docker: { socketPath: engine().socket }, min: 0, max: 4 });
      },
      // Swarm picks which tasks to stop on scale-in, so no ids: the count is checked, not the order.
      inspect: async () => ({ running: (await runningOf(current)).length }),
      // Swarm starts and stops tasks after the update returns (stopping: up to the 1 s grace period each); on a
      // loaded 2-core host, scaling 4 → 1 took over 4 s once. Checks that nothing changed wait this long too.
      settleMs: 8_000,
    },
    { describe, it, afterEach },
  );

  it('an update refused as out of sequence is read again and retried, keeping the other writer’s change', async () => {
    const name = await createService(1);
    const docker = engine().docker;
    // Another writer updates the service between the provider's read and its write, once.
    let raced = false;
    const racing = new Proxy(docker, {
      get(target, key, receiver) {
        if (key !== 'getService') return Reflect.get(target, key, receiver);
        return (id: string) => {
          const service = target.getService(id);
          const inspect = service.inspect.bind(service);
          service.inspect = (async (opts?: object) => {
            const info = await inspect(opts);
            if (!raced) {
              raced = true;
              await target.getService(id).update({ ...info.Spec, Labels: { owner: 'someone-else' }, version: info.Version.Index } as never);
            }
            return info;
          }) as typeof service.inspect;
          return service;
        };
      },
    }) as Dockerode;
    const provider = swarmProvider({ service: name, docker: racing, max: 5 });
    await provider.scaleTo(3, { reason: 'test', signal });
    const info = await docker.getService(name).inspect();
    expect(raced).toBe(true);
    expect(info.Spec.Mode.Replicated.Replicas).toBe(3);
    expect(info.Spec.Labels).toEqual({ owner: 'someone-else' });
    expect(await until(async () => (await runningOf(name)).length === 3, 20_000)).toBe(true);
  });

  it('scaling done by someone else (docker service scale) shows as lastScaledAt with its direction', async () => {
    const name = await createService(2);
    const provider = swarmProvider({ service: name, docker: { socketPath: engine().socket }, max: 5 });
    const before = Date.now() - 1_000; // the engine's UpdatedAt is its own clock on this host; allow rounding
    const info = await engine().docker.getService(name).inspect();
    await engine()
      .docker.getService(name)
      .update({ ...info.Spec, Mode: { Replicated: { Replicas: 1 } }, version: info.Version.Index } as never);
    const status = await provider.status(signal);
    expect(status).toMatchObject({ target: 1, lastScaleDirection: 'down' });
    expect(status.lastScaledAt).toBeGreaterThanOrEqual(before);
  });

  it('a name that is only the start of another service’s id is refused, and that service is left as it is', async () => {
    const name = await createService(1);
    const before = await engine().docker.getService(name).inspect();
    const prefix = (before.ID as string).slice(0, 6);
    const provider = swarmProvider({ service: prefix, docker: { socketPath: engine().socket }, max: 5 });
    for (const call of [() => provider.status(signal), () => provider.scaleTo(3, { reason: 'test', signal })]) {
      const error = await call().catch((e: unknown) => e);
      expect(isFleetError(error, 'provider-failed')).toBe(true);
      expect((error as Error).message).toContain(`no service is named ${prefix}: the engine matched ${name} (${before.ID})`);
    }
    const after = await engine().docker.getService(name).inspect();
    expect(after.Version.Index).toBe(before.Version.Index);
    expect(after.Spec.Mode.Replicated.Replicas).toBe(1);
  });
});
