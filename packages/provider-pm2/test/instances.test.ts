import { get } from 'node:http';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { pm2Leader, pm2Provider } from '../src/index.js';
import { deleteApps, startTestDaemon, type TestDaemon, until } from './support/daemon.js';

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
const request = () => ({ reason: 'test', signal: new AbortController().signal });
const signal = () => new AbortController().signal;
let daemon: TestDaemon;
beforeAll(async () => {
  daemon = await startTestDaemon();
}, 30_000);
afterAll(() => daemon?.stop(), 30_000);
afterEach(() => deleteApps(daemon, 'web'));

const instances = async () =>
  (await daemon.list()).filter((p) => p.name === 'web' && (p.pm2_env?.status === 'online' || p.pm2_env?.status === 'launching'));

describe('pm2Provider, instances mode (S4)', () => {
  it("max: 'max' is one instance per CPU; scaling above it is refused", async () => {
    const provider = pm2Provider({ mode: 'instances', name: 'web', script: fixture('idle.cjs'), max: 'max', pm2Home: daemon.home });
    expect(provider.capabilities.maxSize).toBe(availableParallelism());
    await expect(provider.scaleTo(availableParallelism() + 1, request())).rejects.toMatchObject({ code: 'invalid-input' });
    await provider.close();
  });

  it('fork mode: scales with PM2, removes the newest instances first', async () => {
    const provider = pm2Provider({
      mode: 'instances',
      name: 'web',
      script: fixture('idle.cjs'),
      execMode: 'fork',
      max: 4,
      pm2Home: daemon.home,
    });
    await provider.scaleTo(3, request());
    expect(await until(async () => (await instances()).length === 3)).toBe(true);
    const ids = (await instances()).map((p) => p.pm_id as number).sort((a, b) => a - b);
    expect((await instances()).every((p) => p.pm2_env?.exec_mode === 'fork_mode')).toBe(true);
    await provider.scaleTo(1, request());
    expect((await instances()).map((p) => p.pm_id)).toEqual([ids[0]]);
    await provider.close();
  });

  it('cluster mode: reload() replaces every instance without downtime', async () => {
    const BOOT_DELAY_MS = 2_000;
    const port = 20_000 + Math.floor(Math.random() * 20_000);
    const provider = pm2Provider({
      mode: 'instances',
      name: 'web',
      script: fixture('http.cjs'),
      execMode: 'cluster',
      max: 2,
      waitReady: true,
      readyGraceMs: 10_000,
      env: { PORT: String(port), BOOT_DELAY_MS: String(BOOT_DELAY_MS) },
      pm2Home: daemon.home,
    });
    await provider.scaleTo(2, request());
    const before = (await instances()).map((p) => p.pid);
    const failures: string[] = [];
    const answeredAt: number[] = [];
    let reloading = true;
    // A new connection per request (agent: false): a reused keep-alive socket would measure the client, not PM2.
    const hit = () =>
      new Promise<void>((resolve) => {
        const req = get({ host: '127.0.0.1', port, agent: false, timeout: 2_000 }, (res) => {
          res.resume();
          res.on('end', () => {
            answeredAt.push(Date.now());
            resolve();
          });
        });
        req.on('timeout', () => req.destroy(new Error('timed out')));
        req.on('error', (error) => {
          failures.push(error.message);
          resolve();
        });
      });
    // Four clients at once: a connection handed to an instance that is closing can hang until its timeout, and one
    // client alone would show that wait as a gap in answers.
    const load = Promise.all(
      [1, 2, 3, 4].map(async () => {
        while (reloading) await hit();
      }),
    );
    await until(() => answeredAt.length > 10, 5_000, 20);
    const started = Date.now();
    await provider.reload();
    const ended = Date.now();
    reloading = false;
    await load;
    const after = (await instances()).map((p) => p.pid);
    expect(after).toHaveLength(2);
    expect(after.filter((pid) => before.includes(pid))).toEqual([]);
    // Served throughout: no stretch of the reload without an answer as long as an instance takes to boot, which a
    // reload that stopped the old instances before the new ones listened could not avoid. Node's cluster may reset a
    // connection it had already handed to an instance that is closing, or leave it hanging until the client gives up:
    // at most one per replaced instance and client.
    const during = [started, ...answeredAt.filter((t) => t > started && t < ended), ended];
    const gaps = during.slice(1).map((t, i) => t - (during[i] as number));
    expect(Math.max(...gaps)).toBeLessThan(BOOT_DELAY_MS * 0.6);
    expect(failures.length).toBeLessThanOrEqual(2 * 4);
    await provider.close();
  });

  it('pm2Leader: instance 0 leads; another takes over while it is down, and it leads again once back', async () => {
    const provider = pm2Provider({
      mode: 'instances',
      name: 'web',
      script: fixture('idle.cjs'),
      execMode: 'cluster',
      max: 3,
      pm2Home: daemon.home,
    });
    await provider.scaleTo(3, request());
    expect(await until(async () => (await instances()).length === 3)).toBe(true);
    const byInstance = (await instances()).sort((a, b) => Number(a.pm2_env?.NODE_APP_INSTANCE) - Number(b.pm2_env?.NODE_APP_INSTANCE));
    const [first, second, third] = byInstance.map((p) => pm2Leader({ app: 'web', pmId: p.pm_id as number, pm2Home: daemon.home }));
    const votes = async () => Promise.all([first, second, third].map((l) => l?.campaign(signal())));
    expect(await votes()).toEqual([true, false, false]);
    await daemon.call((api, cb) => api.stop(byInstance[0]?.pm_id as number, cb));
    expect(await votes()).toEqual([false, true, false]);
    await daemon.call((api, cb) => api.restart(byInstance[0]?.pm_id as number, cb));
    expect(await until(async () => (await votes())[0] === true)).toBe(true);
    expect(await votes()).toEqual([true, false, false]);
    for (const l of [first, second, third]) l?.close();
    await provider.close();
  });
});
