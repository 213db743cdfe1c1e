import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fleetError, isFleetError } from '@fleet/core';
import type { Pm2Api, Pm2Constructor, Pm2Process } from './pm2-api.js';

export const SCOPE = 'provider-pm2';

/** Options of a {@link Pm2Connection}. */
export interface ConnectionOptions {
  /** The PM2 home (daemon socket, pid file, logs). @default process.env.PM2_HOME, else ~/.pm2 */
  pm2Home?: string;
  /** Start a daemon when none runs; false to only ever use an existing one. */
  startDaemon: boolean;
  /** Bound on every call to the daemon. */
  callTimeoutMs: number;
  /** The PM2 module (`require('pm2')`); loaded from the peer dependency when not given. */
  pm2?: { custom: Pm2Constructor };
}

/** Where PM2 keeps its files when no home is given (what PM2 itself resolves). */
export function defaultPm2Home(): string {
  return process.env.PM2_HOME ?? join(process.env.HOME ?? process.env.USERPROFILE ?? '.', '.pm2');
}

/** The pm2 module from the peer dependency, or a clear error naming it. */
export async function loadPm2(): Promise<{ custom: Pm2Constructor }> {
  try {
    const mod = (await import('pm2')) as unknown as { default?: { custom: Pm2Constructor }; custom?: Pm2Constructor };
    return mod.default ?? (mod as { custom: Pm2Constructor });
  } catch (error) {
    throw fleetError(SCOPE, 'invalid-options', 'pm2 is a peer dependency: install it (npm i pm2) next to @fleet/provider-pm2', error);
  }
}

/**
 * A connection to a PM2 daemon that survives the daemon: every call is bounded by `callTimeoutMs` and the
 * caller's signal; after a failed call the connection is dropped and the next call connects afresh (to the same
 * daemon if it is back, or to a new one when `startDaemon`), so a provider resumes once a daemon runs again.
 */
export class Pm2Connection {
  readonly home: string;
  private api?: Promise<Pm2Api>;

  constructor(private readonly o: ConnectionOptions) {
    this.home = o.pm2Home ?? defaultPm2Home();
  }

  /** Runs `fn` against the daemon, bounded in time; a failure is a FleetError `provider-failed` (or `timeout`). */
  async call<T>(
    what: string,
    signal: AbortSignal | undefined,
    fn: (api: Pm2Api, done: (error: Error | null | undefined, value?: T) => void) => void,
  ): Promise<T> {
    signal?.throwIfAborted();
    let timer: NodeJS.Timeout | undefined;
    let onAbort: (() => void) | undefined;
    try {
      return await new Promise<T>((resolve, reject) => {
        timer = setTimeout(
          () =>
            reject(fleetError(SCOPE, 'timeout', `${what}: PM2 did not answer within ${this.o.callTimeoutMs} ms (PM2_HOME ${this.home})`)),
          this.o.callTimeoutMs,
        );
        onAbort = () => reject(signal?.reason ?? fleetError(SCOPE, 'aborted', `${what}: aborted`));
        signal?.addEventListener('abort', onAbort, { once: true });
        this.connect().then(
          (api) =>
            fn(api, (error, value) => {
              if (error) reject(fleetError(SCOPE, 'provider-failed', `${what}: ${error.message ?? error}`, error));
              else resolve(value as T);
            }),
          reject,
        );
      });
    } catch (error) {
      // The daemon may be gone: the next call connects again.
      if (!isFleetError(error, 'aborted')) this.reset();
      throw error;
    } finally {
      clearTimeout(timer);
      if (onAbort) signal?.removeEventListener('abort', onAbort);
    }
  }

  list(signal?: AbortSignal): Promise<Pm2Process[]> {
    return this.call<Pm2Process[]>('list', signal, (api, done) => api.list((error, list) => done(error, list ?? [])));
  }

  /** The daemon's pid from `$PM2_HOME/pm2.pid`, if that process runs. */
  daemonPid(): number | undefined {
    try {
      const pid = Number(readFileSync(join(this.home, 'pm2.pid'), 'utf8').trim());
      process.kill(pid, 0);
      return pid;
    } catch {
      return undefined;
    }
  }

  /** Drops the connection (PM2's client keeps reconnect timers otherwise). The daemon keeps running. */
  close(): void {
    this.reset();
  }

  private reset(): void {
    const api = this.api;
    this.api = undefined;
    void api?.then((a) => a.disconnect()).catch(() => {});
  }

  private connect(): Promise<Pm2Api> {
    this.api ??= (async () => {
      if (!this.o.startDaemon && this.daemonPid() === undefined) {
        throw fleetError(SCOPE, 'provider-failed', `no PM2 daemon runs for PM2_HOME ${this.home} (startDaemon is false)`);
      }
      const Pm2 = (this.o.pm2 ?? (await loadPm2())).custom;
      const api = new Pm2({ pm2_home: this.home, daemon_mode: true });
      return new Promise<Pm2Api>((resolve, reject) =>
        api.connect((error) => (error ? reject(fleetError(SCOPE, 'provider-failed', `connect: ${error.message}`, error)) : resolve(api))),
      );
    })().catch((error) => {
      this.api = undefined;
      throw error;
    });
    return this.api;
  }
}
