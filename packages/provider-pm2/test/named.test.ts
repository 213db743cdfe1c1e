import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type Pm2ProviderOptions, pm2Ecosystem, pm2Provider } from '../src/index.js';
import { deleteApps, startTestDaemon, type TestDaemon, until } from './support/daemon.js';

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
const request = () => ({ reason: 'test', signal: new AbortController().signal });
let daemon: TestDaemon;
beforeAll(async () => {
  daemon = await startTestDaemon();
}, 30_000);
afterAll(() => daemon?.stop(), 30_000);
afterEach(() => deleteApps(daemon, 'bot'));

const make = (options: Partial<Pm2ProviderOptions> = {}) =>
  pm2Provider({
    mode: 'named',
    name: 'bot',
    script: fixture('idle.cjs'),
    min: 1,
    max: 5,
    drainTimeoutMs: 4_000,
    pm2Home: daemon.home,
    ...options,
  });
const online = async () =>
  (await daemon.list())
    .filter((p) => p.name?.startsWith('bot-') && p.pm2_env?.status === 'online')
    .map((p) => p.name)
    .sort();

describe('pm2Provider, named mode (S0)', () => {
  it('registers apps on first use with WORKER_ID and kill_timeout; restarts the lowest stopped, stops the highest', async () => {
    const provider = make();
    await provider.scaleTo(3, request());
    expect(await until(async () => (await online()).length === 3)).toBe(true);
    const bot2 = (await daemon.list()).find((p) => p.name === 'bot-2');
    expect(bot2?.pm2_env?.WORKER_ID ?? (bot2?.pm2_env?.env as Record<string, string> | undefined)?.WORKER_ID).toBe('bot-2');
    expect(bot2?.pm2_env?.kill_timeout).toBe(4_000);
    await provider.scaleTo(1, request());
    expect(await online()).toEqual(['bot-1']);
    // bot-2 and bot-3 stay registered, stopped: scaling up restarts them rather than registering new apps.
    expect((await daemon.list()).filter((p) => p.name?.startsWith('bot-')).map((p) => [p.name, p.pm2_env?.status])).toEqual([
      ['bot-1', 'online'],
      ['bot-2', 'stopped'],
      ['bot-3', 'stopped'],
    ]);
    await daemon.call((api, cb) => api.stop('bot-1', cb)); // someone stops bot-1 by hand
    await provider.scaleTo(2, request());
    expect(await until(async () => (await online()).join() === 'bot-1,bot-2')).toBe(true);
    await provider.close();
  });

  it('counts a worker ready only after it sends "ready" with waitReady; starting meanwhile', async () => {
    const provider = make({ waitReady: true, readyGraceMs: 20_000, env: { READY_AFTER_MS: '1500' } });
    const scaling = provider.scaleTo(1, request());
    const seen = await until(async () => (await provider.status(request().signal)).starting === 1, 5_000, 50);
    expect(seen).toBe(true);
    expect((await provider.status(request().signal)).ready).toBe(0);
    await scaling;
    expect(await provider.status(request().signal)).toMatchObject({ target: 1, ready: 1, starting: 0 });
    await provider.close();
  });

  it('counts a worker ready readyGraceMs after it went online, without waitReady', async () => {
    const provider = make({ readyGraceMs: 1_500 });
    await provider.scaleTo(1, request());
    expect(await provider.status(request().signal)).toMatchObject({ target: 1, ready: 0, starting: 1 });
    expect(await until(async () => (await provider.status(request().signal)).ready === 1, 5_000)).toBe(true);
    await provider.close();
  });

  it('a script that crashes at start: PM2 gives up after maxRestarts (no storm) and scaleTo says why', async () => {
    const provider = make({ script: fixture('crash-at-start.cjs'), restart: { maxRestarts: 3, minUptimeMs: 1_000 } });
    await provider.scaleTo(1, request());
    const errored = await until(
      async () => (await daemon.list()).find((p) => p.name === 'bot-1' && p.pm2_env?.status === 'errored'),
      10_000,
    );
    expect(errored?.pm2_env?.restart_time).toBeLessThanOrEqual(3);
    const error = await provider.scaleTo(1, request()).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'provider-failed' });
    expect((error as Error).message).toMatch(/^\[fleet\] \[provider-pm2\] PM2 gave up on bot-1 \(status errored/);
    // No restart storm: nothing restarts it on its own.
    const restarts = errored?.pm2_env?.restart_time;
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect((await daemon.list()).find((p) => p.name === 'bot-1')?.pm2_env?.restart_time).toBe(restarts);
    expect(await provider.status(request().signal)).toMatchObject({ target: 1, ready: 0, starting: 0 });
    await provider.close();
  });

  it('pm2Ecosystem gives the same apps: max names, the first min started, the rest registered stopped', () => {
    const { apps } = pm2Ecosystem({
      mode: 'named',
      name: 'ai-bot-worker',
      script: fixture('idle.cjs'),
      min: 1,
      max: 3,
      drainTimeoutMs: 20_000,
    });
    expect(apps.map((a) => [a.name, a.env?.WORKER_ID, a.kill_timeout, a.autostart])).toEqual([
      ['ai-bot-worker-1', 'ai-bot-worker-1', 20_000, undefined],
      ['ai-bot-worker-2', 'ai-bot-worker-2', 20_000, false],
      ['ai-bot-worker-3', 'ai-bot-worker-3', 20_000, false],
    ]);
    expect(apps[0]?.script).toBe(fixture('idle.cjs'));
  });
});

describe('pm2Provider: bad input', () => {
  const script = fixture('idle.cjs');
  it.each([
    ['a missing script path', { script: './nope.js' }, /script: expected the path of an existing file/],
    ['min > max', { min: 4, max: 2 }, /min: expected min <= max \(2\), got 4/],
    ['a negative drain timeout', { drainTimeoutMs: -1 }, /drainTimeoutMs: Too small: expected number to be >=0, got -1 \(number\)/],
    ['an unknown mode', { mode: 'swarm' }, /mode: expected 'named'/],
    ['a name with a space', { name: 'my bot' }, /name: expected letters, digits/],
  ])('rejects %s with an error naming the field, and registers nothing', async (_, bad, message) => {
    const before = (await daemon.list()).length;
    const build = () => pm2Provider({ mode: 'named', name: 'bot', script, pm2Home: daemon.home, ...(bad as object) } as Pm2ProviderOptions);
    expect(build).toThrow(message);
    expect(build).toThrow(/^\[fleet\] \[provider-pm2\] invalid pm2Provider\(\) options: /);
    expect((await daemon.list()).length).toBe(before);
  });
});
