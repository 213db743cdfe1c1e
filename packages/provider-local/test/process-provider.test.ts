import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { type ProcessProvider, type ProcessProviderOptions, processProvider } from '../src/index.js';
import { childrenRunning, sleep, until } from './support/proc.js';

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
const request = () => ({ reason: 'test', signal: new AbortController().signal });
const providers: ProcessProvider[] = [];
const make = (options: ProcessProviderOptions) => {
  const provider = processProvider({ output: 'ignore', drainTimeoutMs: 5_000, ...options });
  providers.push(provider);
  return provider;
};
afterEach(async () => {
  await Promise.all(providers.splice(0).map((p) => p.close()));
});

describe('processProvider', () => {
  it('sets WORKER_ID per worker and prefixes each output line with it', async () => {
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    let out = '';
    let err = '';
    stdout.on('data', (c) => (out += c));
    stderr.on('data', (c) => (err += c));
    const provider = make({ script: fixture('idle.mjs'), name: 'bot', output: 'prefix', stdout, stderr });
    await provider.scaleTo(2, request());
    const lines = (text: string) => text.split('\n').filter(Boolean).length;
    await until(() => lines(out) >= 2 && lines(err) >= 2);
    expect(out.split('\n').filter(Boolean).sort()).toEqual(['[bot-1] hello from bot-1', '[bot-2] hello from bot-2']);
    expect(err.split('\n').filter(Boolean).sort()).toEqual(['[bot-1] warning from bot-1', '[bot-2] warning from bot-2']);
  });

  it('counts a worker ready only once it sends "ready" when waitReady is set', async () => {
    const script = fixture('idle.mjs');
    const provider = make({ script, waitReady: true, env: { READY_AFTER_MS: '700' } });
    await provider.scaleTo(1, request());
    expect(await provider.status(request().signal)).toMatchObject({ target: 1, ready: 0, starting: 1 });
    const ready = await until(async () => (await provider.status(request().signal)).ready === 1, 5_000);
    expect(ready).toBe(true);
    expect(await provider.status(request().signal)).toMatchObject({ target: 1, ready: 1, starting: 0 });
  });

  it('counts a worker ready after readyGraceMs without a message', async () => {
    const provider = make({ script: fixture('idle.mjs'), waitReady: true, readyGraceMs: 300, env: { READY_AFTER_MS: '60000' } });
    await provider.scaleTo(1, request());
    expect((await provider.status(request().signal)).ready).toBe(0);
    expect(await until(async () => (await provider.status(request().signal)).ready === 1, 3_000)).toBe(true);
  });

  it('restarts a worker that crashes after it started, with a new pid and the same WORKER_ID', async () => {
    const script = fixture('crash-later.mjs');
    const provider = make({ script, env: { CRASH_AFTER_MS: '400' }, restart: { baseMs: 50, minUptimeMs: 100 } });
    const restarts: string[] = [];
    const exits: (number | null)[] = [];
    provider.on('restart', ({ workerId }) => restarts.push(workerId));
    provider.on('exit', ({ code, expected }) => !expected && exits.push(code));
    await provider.scaleTo(1, request());
    const first = await until(() => childrenRunning(script)[0]);
    await until(() => restarts.length >= 1 && childrenRunning(script).length === 1 && childrenRunning(script)[0] !== first, 5_000);
    expect(exits[0]).toBe(7);
    expect(restarts[0]).toBe('worker-1');
    expect(childrenRunning(script)).toHaveLength(1);
    expect(childrenRunning(script)[0]).not.toBe(first);
  });

  it('a script that crashes at start: backoff, then a clear error and no more restarts (no storm)', async () => {
    const script = fixture('crash-at-start.mjs');
    const provider = make({ script, restart: { baseMs: 50, maxMs: 400, minUptimeMs: 1_000, maxUnstable: 4 } });
    const spawns: number[] = [];
    const errors: Error[] = [];
    provider.on('spawn', () => spawns.push(Date.now()));
    provider.on('error', ({ error }) => errors.push(error));
    await provider.scaleTo(1, request());
    await until(() => errors.length > 0, 10_000);
    expect(errors[0]?.message).toMatch(/^\[fleet\] \[provider-local\] worker worker-1 .*crash-at-start\.mjs\) exited 4 times in a row/);
    expect(errors[0]?.message).toContain('code 3');
    expect(errors[0]?.message).toContain('DATABASE_URL is not set');
    expect((errors[0] as { code?: string }).code).toBe('provider-failed');
    expect(spawns).toHaveLength(4);
    // Backoff between the starts: 50, 100, 200 ms.
    expect(spawns[3]! - spawns[0]!).toBeGreaterThanOrEqual(350);
    await sleep(1_000);
    expect(spawns).toHaveLength(4);
    expect(childrenRunning(script)).toHaveLength(0);
    expect(await provider.status(request().signal)).toMatchObject({ target: 1, ready: 0, starting: 0 });
  });

  it('stops with SIGTERM, then SIGKILL once drainTimeoutMs has passed', async () => {
    const script = fixture('ignore-sigterm.mjs');
    const provider = make({ script, drainTimeoutMs: 600, waitReady: true });
    const exits: { signal: string | null; at: number }[] = [];
    provider.on('exit', ({ signal }) => exits.push({ signal, at: Date.now() }));
    await provider.scaleTo(1, request());
    await until(() => childrenRunning(script).length === 1);
    // The script says ready once its SIGTERM handler is installed (a fixed sleep raced a slow start on a busy host).
    await until(async () => (await provider.status(request().signal)).ready === 1);
    const stoppedAt = Date.now();
    await provider.scaleTo(0, request());
    await sleep(300);
    expect(childrenRunning(script)).toHaveLength(1); // still draining: SIGTERM did not end it
    await until(() => exits.length === 1, 3_000);
    expect(exits[0]?.signal).toBe('SIGKILL');
    expect(exits[0]!.at - stoppedAt).toBeGreaterThanOrEqual(600);
    expect(childrenRunning(script)).toHaveLength(0);
  });

  it('the initial workers start after the constructor returns: a listener attached right away sees every spawn', async () => {
    const script = fixture('idle.mjs');
    const provider = make({ script, name: 'first', min: 2 });
    const spawned: string[] = [];
    const ready: string[] = [];
    provider.on('spawn', ({ workerId, pid }) => spawned.push(`${workerId} ${typeof pid}`));
    provider.on('ready', ({ workerId }) => ready.push(workerId));
    await until(() => childrenRunning(script).length === 2);
    expect(spawned).toEqual(['first-1 number', 'first-2 number']);
    expect(ready).toEqual(['first-1', 'first-2']);
  });

  it('starts the initial workers at the first call that needs them, even before the next microtask', async () => {
    const provider = make({ script: fixture('idle.mjs'), min: 2 });
    expect(provider.pids()).toHaveLength(2);
    expect(await provider.status(request().signal)).toMatchObject({ target: 2, ready: 2, starting: 0 });
  });

  it('close() right after creation starts no worker', async () => {
    const script = fixture('idle.mjs');
    const before = childrenRunning(script).length;
    const provider = make({ script, name: 'closed', min: 2 });
    const spawned: string[] = [];
    provider.on('spawn', ({ workerId }) => spawned.push(workerId));
    await provider.close();
    expect(spawned).toEqual([]);
    expect(childrenRunning(script).length).toBe(before);
  });

  it('close() stops every worker', async () => {
    const script = fixture('idle.mjs');
    const provider = make({ script });
    await provider.scaleTo(3, request());
    await until(() => childrenRunning(script).length === 3);
    await provider.close();
    expect(childrenRunning(script)).toHaveLength(0);
  });
});

describe('processProvider: bad input', () => {
  const script = fixture('idle.mjs');
  it.each([
    ['a missing script path', { script: './nope/worker.js' }, /script: expected the path of an existing file/],
    ['no script', {}, /script: required, the path of a Node script/],
    ['min > max', { script, min: 5, max: 2 }, /min: expected min <= max \(2\), got 5/],
    ['a negative drain timeout', { script, drainTimeoutMs: -1 }, /drainTimeoutMs: Too small: expected number to be >=0, got -1 \(number\)/],
    ['an initial size outside the bounds', { script, min: 1, max: 3, initial: 4 }, /initial: expected an integer in \[min, max\]/],
  ])('rejects %s with an error naming the field, and starts nothing', (_, options, message) => {
    const before = childrenRunning(script).length;
    let error: unknown;
    try {
      processProvider(options as ProcessProviderOptions);
    } catch (e) {
      error = e;
    }
    expect((error as { code?: string }).code).toBe('invalid-options');
    expect((error as Error).message).toMatch(/^\[fleet\] \[provider-local\] invalid processProvider\(\) options: /);
    expect((error as Error).message).toMatch(message);
    expect(childrenRunning(script).length).toBe(before);
  });

  it('rejects scaleTo below min or above max with invalid-input, and changes nothing', async () => {
    const provider = make({ script, min: 1, max: 3 });
    await expect(provider.scaleTo(0, request())).rejects.toMatchObject({ code: 'invalid-input' });
    await expect(provider.scaleTo(4, request())).rejects.toThrow(/scaleTo target \(an integer in \[1, 3\]\)/);
    expect((await provider.status(request().signal)).target).toBe(1);
  });
});
