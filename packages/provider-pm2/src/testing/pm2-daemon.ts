import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadPm2 } from '../connection.js';
import type { Pm2Api, Pm2Constructor, Pm2Process } from '../pm2-api.js';

/** Options of {@link startPm2Daemon}. */
export interface StartPm2DaemonOptions {
  /** The PM2 module, when it is not resolvable from here. @default import('pm2') */
  pm2?: { custom: Pm2Constructor };
}

/**
 * A real PM2 daemon in a throwaway PM2_HOME, with a client of its own: a test's second path to PM2's process list,
 * beside the provider under test.
 */
export interface Pm2TestDaemon {
  /** The daemon's PM2_HOME (a fresh temporary folder). Pass it as the provider's `pm2Home`. */
  readonly home: string;
  /** The daemon's pid, from `$PM2_HOME/pm2.pid`; undefined while none runs. */
  pid(): number | undefined;
  /** PM2's process list, through this client. */
  list(): Promise<Pm2Process[]>;
  /** Calls the PM2 API through this client. */
  call(fn: (api: Pm2Api, cb: (error: Error | null) => void) => void): Promise<void>;
  /** Deletes every app named `prefix` or `prefix-…` (between tests). */
  deleteApps(prefix: string): Promise<void>;
  /** Stops the daemon by its pid (SIGTERM, SIGKILL after 10 s), as a crash would; the home stays. */
  kill(): Promise<void>;
  /** Connects again, which starts a daemon in the same home. */
  restart(): Promise<void>;
  /** {@link Pm2TestDaemon.kill} and removes the home. The teardown that lets a test process exit. */
  stop(): Promise<void>;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};
async function gone(pid: number, ms: number): Promise<boolean> {
  for (const deadline = Date.now() + ms; alive(pid); await sleep(50)) if (Date.now() > deadline) return false;
  return true;
}

/**
 * Starts a PM2 daemon in a new temporary PM2_HOME, for one test file, and sets `process.env.PM2_HOME` to it so
 * that PM2 clients this process creates without a home reach the same daemon. Stop it with `stop()` in your
 * teardown: PM2's client keeps reconnect timers alive after `killDaemon`, so this ends the daemon by its pid.
 *
 * @example
 * const daemon = await startPm2Daemon();
 * const provider = pm2Provider({ app: 'bot', script: './worker.js', pm2Home: daemon.home });
 * // … and in afterAll: await daemon.stop();
 */
export async function startPm2Daemon(options: StartPm2DaemonOptions = {}): Promise<Pm2TestDaemon> {
  const pm2 = options.pm2 ?? (await loadPm2());
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
  const call = (fn: (api: Pm2Api, cb: (error: Error | null) => void) => void) =>
    new Promise<void>((resolve, reject) => {
      if (!api) return reject(new Error('the test daemon is not connected (killed?)'));
      fn(api, (error) => (error ? reject(error) : resolve()));
    });
  const list = () =>
    new Promise<Pm2Process[]>((resolve, reject) => {
      if (!api) return reject(new Error('the test daemon is not connected (killed?)'));
      api.list((error, processes) => (error ? reject(error) : resolve(processes ?? [])));
    });
  const kill = async () => {
    const daemon = pid();
    api?.disconnect();
    api = undefined;
    if (daemon === undefined) return;
    try {
      process.kill(daemon, 'SIGTERM');
    } catch {}
    if (!(await gone(daemon, 10_000))) process.kill(daemon, 'SIGKILL');
    await gone(daemon, 5_000);
  };
  await connect();
  return {
    home,
    pid,
    list,
    call,
    async deleteApps(prefix) {
      const names = new Set((await list()).map((p) => p.name ?? '').filter((n) => n === prefix || n.startsWith(`${prefix}-`)));
      for (const name of names) await call((pm2Api, cb) => pm2Api.delete(name, cb)).catch(() => {});
    },
    kill,
    restart: connect,
    async stop() {
      await kill();
      rmSync(home, { recursive: true, force: true });
    },
  };
}
