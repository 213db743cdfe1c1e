import { get } from 'node:http';
import { createServer } from 'node:net';
import { type Pm2TestDaemon, startPm2Daemon } from '@fleet/provider-pm2/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startWebCluster } from '../web-cluster.js';

// A real PM2 daemon in its own PM2_HOME, with its own client: the test's view of PM2's process list.
let daemon: Pm2TestDaemon;
beforeAll(async () => {
  daemon = await startPm2Daemon();
}, 30_000);
afterAll(() => daemon?.stop(), 30_000);
const list = () => daemon.list();
const online = async () => (await list()).filter((p) => p.name === 'web' && p.pm2_env?.status === 'online');
/** One request on a new connection: the cluster balances connections, so keep-alive would pin us to old instances. */
const request = (port: number) =>
  new Promise<number>((resolve, reject) =>
    get({ host: '127.0.0.1', port, path: '/', agent: false }, (res) => {
      let body = '';
      res.on('data', (chunk) => {
        body += chunk;
      });
      res.on('end', () => resolve((JSON.parse(body) as { pid: number }).pid));
    }).on('error', reject),
  );
const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });

it('S4, shortened: load grows the cluster (instances share the port), quiet shrinks it back to 1', async () => {
  const port = await freePort();
  const web = await startWebCluster({ port, pm2Home: daemon.home, max: 3, intervalMs: 500, cooldown: { up: 0, down: 2_000 }, workMs: 300 });
  const scaled: Array<[number, number]> = [];
  web.scaler.on('scaled', (e) => scaled.push([e.from, e.to]));
  try {
    expect((await online()).map((p) => p.pm2_env?.exec_mode)).toEqual(['cluster_mode']);
    // 40 requests in flight, kept up until PM2 runs 3 instances.
    const pids = new Set<number>();
    let loading = true;
    const load = Promise.all(
      Array.from({ length: 40 }, async () => {
        while (loading) pids.add(await request(port));
      }),
    );
    for (let i = 0; i < 200 && (await online()).length < 3; i++) await new Promise((r) => setTimeout(r, 100));
    await new Promise((r) => setTimeout(r, 1_000)); // requests reach the new instances
    loading = false;
    await load;
    expect(scaled[0]?.[0]).toBe(1);
    expect((await online()).map((p) => p.pm2_env?.exec_mode)).toEqual(['cluster_mode', 'cluster_mode', 'cluster_mode']);
    expect(pids.size).toBe(3); // one port, three processes answering
    for (let i = 0; i < 150 && ((await online()).length > 1 || scaled[scaled.length - 1]?.[1] !== 1); i++)
      await new Promise((r) => setTimeout(r, 100));
    expect(await online()).toHaveLength(1);
    expect(scaled[scaled.length - 1]?.[1]).toBe(1);
  } finally {
    await web.stop({ removeApp: true });
  }
  expect(await online()).toEqual([]);
});
