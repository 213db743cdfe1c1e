import { afterEach, describe, expect, it } from 'vitest';
import { type ThreadProvider, threadProvider } from '../src/index.js';
import { sleep, until } from './support/proc.js';

// The pool fixture imports this package by name, i.e. its build: the root test script builds first.
const file = new URL('./fixtures/thread-pool.mjs', import.meta.url);
const request = () => ({ reason: 'test', signal: new AbortController().signal });
const pools: ThreadProvider[] = [];
const pool = async (n: number) => {
  const p = threadProvider({ file, name: 't', max: 8, waitReady: true, drainTimeoutMs: 5_000 });
  pools.push(p);
  await p.scaleTo(n, request());
  await until(async () => (await p.status(request().signal)).ready === n, 5_000);
  return p;
};
afterEach(async () => {
  await Promise.all(pools.splice(0).map((p) => p.close()));
});

describe('threadProvider as a pool', () => {
  it('dispatches to the least-loaded thread, not round robin', async () => {
    const p = await pool(3);
    const a = p.run<string>({ ms: 800 });
    const b = p.run<string>({ ms: 50 });
    const c = p.run<string>({ ms: 800 });
    expect(p.load()).toEqual({ 't-1': 1, 't-2': 1, 't-3': 1 });
    expect(await b).toBe('t-2');
    // t-2 is idle again while t-1 and t-3 still work: the next task goes to t-2 (round robin would pick t-1).
    const d = p.run<string>({ ms: 50 });
    expect(p.load()).toEqual({ 't-1': 1, 't-2': 1, 't-3': 1 });
    expect(await d).toBe('t-2');
    expect([await a, await c]).toEqual(['t-1', 't-3']);
    expect(p.load()).toEqual({ 't-1': 0, 't-2': 0, 't-3': 0 });
  });

  it('spreads a burst evenly: 9 tasks over 3 threads, 3 each', async () => {
    const p = await pool(3);
    const results = await Promise.all(Array.from({ length: 9 }, () => p.run<string>({ ms: 100 })));
    const counts = Object.fromEntries(['t-1', 't-2', 't-3'].map((id) => [id, results.filter((r) => r === id).length]));
    expect(counts).toEqual({ 't-1': 3, 't-2': 3, 't-3': 3 });
  });

  it('scale-in lets a thread finish the task it holds, and sends no new task to it', async () => {
    const p = await pool(2);
    p.run({ ms: 10 }); // t-1
    const held = p.run<string>({ ms: 600 }); // t-2, the newest
    await sleep(50);
    await p.scaleTo(1, request());
    const next = await p.run<string>({ ms: 10 });
    expect(next).toBe('t-1');
    expect(await held).toBe('t-2');
    expect(p.load()).toEqual({ 't-1': 0 });
  });

  it('run() with no thread rejects with provider-failed', async () => {
    const p = await pool(0);
    await expect(p.run({ ms: 1 })).rejects.toMatchObject({ code: 'provider-failed' });
  });

  it('restarts a thread that crashes after it started, and gives up with a clear error on one that crashes at start', async () => {
    const crash = new URL('./fixtures/thread-crash.mjs', import.meta.url);
    const later = threadProvider({ file: crash, waitReady: true, restart: { baseMs: 20, minUptimeMs: 100 } });
    pools.push(later);
    const exits: number[] = [];
    later.on('exit', ({ code, expected }) => !expected && exits.push(code));
    await later.scaleTo(1, request());
    expect(await until(() => exits.length >= 2, 5_000)).toBe(true);
    expect(await until(async () => (await later.status(request().signal)).ready === 1, 5_000)).toBe(true);

    const atStart = threadProvider({ file: crash, env: { CRASH_AT_START: '1' }, restart: { baseMs: 20, maxUnstable: 3 } });
    pools.push(atStart);
    const errors: Error[] = [];
    let starts = 0;
    atStart.on('exit', () => starts++);
    atStart.on('error', ({ error }) => errors.push(error));
    await atStart.scaleTo(1, request());
    expect(await until(() => errors.length === 1, 5_000)).toBe(true);
    expect(errors[0]?.message).toMatch(/^\[fleet\] \[provider-local\] thread thread-1 exited 3 times in a row .*boom: no config/);
    await sleep(500);
    expect(starts).toBe(3);
    expect(await atStart.status(request().signal)).toMatchObject({ target: 1, ready: 0, starting: 0 });
  });

  it('rejects a missing file and min > max, naming the field', () => {
    expect(() => threadProvider({ file: './missing.mjs' })).toThrow(/file: expected the path of an existing file/);
    expect(() => threadProvider({ file, min: 3, max: 1 })).toThrow(/min: expected min <= max \(1\), got 3/);
    expect(() => threadProvider({ file, drainTimeoutMs: -5 })).toThrow(/drainTimeoutMs: Too small/);
  });

  it('a task whose handler throws a value that is not an Error fails with a readable message; the thread serves on', async () => {
    const p = threadProvider({ file: new URL('./fixtures/thread-throws.mjs', import.meta.url), name: 'x', waitReady: true });
    pools.push(p);
    await p.scaleTo(1, request());
    await until(async () => (await p.status(request().signal)).ready === 1, 5_000);
    const exits: number[] = [];
    p.on('exit', ({ code }) => exits.push(code));
    await expect(p.run('null-prototype')).rejects.toMatchObject({
      code: 'provider-failed',
      message: '[fleet] [provider-local] x-1: the task failed: a thrown object that cannot be printed',
    });
    await expect(p.run('unprintable')).rejects.toMatchObject({ code: 'provider-failed' });
    expect(await p.run('fine')).toBe('ok');
    expect(exits).toEqual([]);
  });

  it('a thread that throws null at start neither crashes the host nor loses the reason: the error event quotes it', async () => {
    const p = threadProvider({
      file: new URL('./fixtures/thread-throws-null.mjs', import.meta.url),
      restart: { baseMs: 10, maxUnstable: 2 },
    });
    pools.push(p);
    const errors: Error[] = [];
    p.on('error', ({ error }) => errors.push(error));
    await p.scaleTo(1, request());
    expect(await until(() => errors.length === 1, 5_000)).toBe(true);
    expect(errors[0]?.message).toMatch(/exited 2 times in a row .*; last error: null\); it is no longer restarted$/);
  });
});
