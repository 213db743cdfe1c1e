import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Pm2Api, Pm2Constructor, Pm2Process } from '../../src/index.js';

const pm2 = createRequire(import.meta.url)('pm2') as { custom: Pm2Constructor };

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Polls `check` until it returns a truthy value or `ms` passes; returns the last value. */
export async function until<T>(check: () => T | Promise<T>, ms = 10_000, every = 100): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value || Date.now() > deadline) return value;
    await sleep(every);
  }
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/**
 * A real PM2 daemon in a temporary PM2_HOME, for one test file, with its own client: the tests' second path to
 * PM2's process list. `stop()` is the teardown that lets the test process exit (PM2's client keeps reconnect timers
 * after killDaemon): read $PM2_HOME/pm2.pid, disconnect, SIGTERM that pid, wait for it to go (SIGKILL after 10 s).
 */
export interface TestDaemon {
  home: string;
  pid(): number | undefined;
  list(): Promise<Pm2Process[]>;
  call(fn: (api: Pm2Api, cb: (error: Error | null) => void) => void): Promise<void>;
  /** Kills the daemon (as a crash would), leaving the home in place. */
  kill(): Promise<void>;
  /** Starts a daemon again in the same home. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

export async function startTestDaemon(): Promise<TestDaemon> {
  const home = mkdtempSync(join(tmpdir(), 'fleet-pm2-'));
  process.env.PM2_HOME = home;
  let api: Pm2Api | undefined;
  const connect = async () => {
    const next = new pm2.custom({ pm2_home: home, daemon_mode: true });
    await new Promise<void>((resolve, reject) => next.connect((error) => (error ? reject(error) : resolve())));
    api = next;
  };
  const pid = () => {
    try {
      return Number(readFileSync(join(home, 'pm2.pid'), 'utf8').trim()) || undefined;
    } catch {
      return undefined;
    }
  };
  const kill = async () => {
    const daemon = pid();
    api?.disconnect();
    api = undefined;
    if (daemon === undefined) return;
    try {
      process.kill(daemon, 'SIGTERM');
    } catch {}
    if (!(await until(() => !alive(daemon), 10_000))) process.kill(daemon, 'SIGKILL');
    await until(() => !alive(daemon), 5_000);
  };
  await connect();
  const call = (fn: (api: Pm2Api, cb: (error: Error | null) => void) => void) =>
    new Promise<void>((resolve, reject) => {
      if (!api) return reject(new Error('no daemon'));
      fn(api, (error) => (error ? reject(error) : resolve()));
    });
  return {
    home,
    pid,
    list: () =>
      new Promise((resolve, reject) => {
        if (!api) return reject(new Error('no daemon'));
        api.list((error, list) => (error ? reject(error) : resolve(list ?? [])));
      }),
    call,
    kill,
    restart: connect,
    async stop() {
      await kill();
      rmSync(home, { recursive: true, force: true });
    },
  };
}

/** Deletes every app whose name starts with `prefix` (between tests). */
export async function deleteApps(daemon: TestDaemon, prefix: string): Promise<void> {
  const names = new Set((await daemon.list()).map((p) => p.name ?? '').filter((n) => n === prefix || n.startsWith(`${prefix}-`)));
  for (const name of names) await daemon.call((api, cb) => api.delete(name, cb)).catch(() => {});
}
