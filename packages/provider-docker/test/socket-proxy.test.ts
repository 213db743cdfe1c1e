import Dockerode from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dockerProvider } from '../src/index.js';
import { type AllowListProxy, allowListProxy, CONTAINER_ENDPOINTS } from './support/allow-list-proxy.js';
import { TEST_IMAGE, until } from './support/dockerd.js';
import { noEngine, removeGroup, useEngine } from './support/engine.js';

const signal = new AbortController().signal;

// The README lists the Engine API calls to let through a socket proxy: this proves the list is complete (the
// provider works through a proxy that allows nothing else) and exact (every entry is used).
describe.skipIf(noEngine)('dockerProvider behind a socket proxy that allows only the listed container endpoints', () => {
  const engine = useEngine();
  let proxy: AllowListProxy;
  beforeAll(async () => {
    proxy = await allowListProxy(engine().socket);
  });
  afterAll(async () => {
    await proxy?.close();
    await removeGroup(engine(), 'proxied');
  });

  it('scales up, replaces a dead member, drains and scales to zero with no call refused, using every listed endpoint', async () => {
    const provider = dockerProvider({
      group: 'proxied',
      template: { image: TEST_IMAGE, networkMode: 'none' },
      docker: { host: '127.0.0.1', port: proxy.port },
      min: 0,
      max: 3,
      drainTimeoutMs: 1_000,
    });
    await provider.scaleTo(3, { reason: 'test', signal });
    expect(await until(async () => (await provider.status(signal)).ready === 3)).toBe(true);
    await engine().docker.getContainer('proxied-2').kill(); // through the test's own client, not the proxy
    expect(await until(async () => (await provider.status(signal)).target === 2)).toBe(true);
    await provider.scaleTo(3, { reason: 'test', signal });
    await provider.scaleTo(1, { reason: 'test', signal });
    await provider.scaleTo(0, { reason: 'test', signal });
    expect(await provider.status(signal)).toMatchObject({ target: 0 });
    expect(await engine().docker.listContainers({ all: true, filters: { label: ['fleet.group=proxied'] } })).toHaveLength(0);

    expect(proxy.refused).toEqual([]);
    const entryOf = (call: string) => {
      const [method, path = ''] = call.split(' ');
      return CONTAINER_ENDPOINTS.findIndex(([m, p]) => m === method && p.test(path));
    };
    const used = new Set(proxy.seen.map(entryOf));
    expect([...used].sort()).toEqual(CONTAINER_ENDPOINTS.map((_, i) => i));
  });

  it('the proxy refuses what is not listed (images, exec, the daemon), so the test above is not passing through everything', async () => {
    const client = new Dockerode({ host: '127.0.0.1', port: proxy.port });
    for (const call of [() => client.listImages(), () => client.info(), () => client.listVolumes()])
      await expect(call()).rejects.toMatchObject({ statusCode: 403 });
    expect(proxy.refused).toEqual(expect.arrayContaining(['GET /images/json', 'GET /info', 'GET /volumes']));
  });
});
