import {
  type FleetStatus,
  fleetError,
  type ProviderCapabilities,
  parseWith,
  type ScaleDirection,
  type ScaleRequest,
  type ScalingProvider,
} from '@fleet/core';
import { z } from 'zod';
import { Pm2Connection, SCOPE } from './connection.js';
import { appConfig, type Pm2ProviderOptions, parsePm2Options, type ResolvedPm2Options } from './options.js';
import { type Pm2AppConfig, type Pm2Process, RUNNING_STATUSES } from './pm2-api.js';

/** A ScalingProvider over PM2, with PM2's extras. */
export interface Pm2Provider extends ScalingProvider {
  readonly capabilities: ProviderCapabilities;
  /** The PM2 home in use. */
  readonly pm2Home: string;
  /** Instances mode: PM2's zero-downtime reload (cluster mode: one instance after the other, each new one ready first). */
  reload(options?: { signal?: AbortSignal }): Promise<void>;
  /** The worker processes as PM2 lists them: name, pm_id, pid, status. */
  processes(signal?: AbortSignal): Promise<{ name: string; pmId: number; pid: number; status: string }[]>;
  /** Disconnects from the daemon; the daemon and the workers keep running. */
  close(): Promise<void>;
}

/**
 * Scales workers run by PM2, through its programmatic API.
 *
 * Named mode (S0): apps `${name}-1…${name}-${max}`, each with `WORKER_ID` set to its name, registered on first use;
 * scale-up restarts the lowest stopped indexes, scale-down stops the highest. Instances mode (S4): one app, scaled
 * up with PM2's scale operation and down by deleting its newest instances; `reload()` without downtime.
 * Scale-in is graceful: PM2 sends SIGINT and waits `kill_timeout` (= `drainTimeoutMs`) before SIGKILL.
 *
 * @example
 * const provider = pm2Provider({ mode: 'named', name: 'ai-bot-worker', script: './worker.js', min: 1, max: 10 });
 */
export function pm2Provider(options: Pm2ProviderOptions): Pm2Provider {
  const o = parsePm2Options(options);
  const pm2 = new Pm2Connection({ pm2Home: o.pm2Home, startDaemon: o.startDaemon, callTimeoutMs: o.callTimeoutMs, pm2: o.pm2 });
  let chain: Promise<unknown> = Promise.resolve();
  let last: { at: number; direction: ScaleDirection } | undefined;
  const named = o.mode === 'named';
  const pattern = new RegExp(`^${o.name.replace(/[.]/g, '\\.')}-(\\d+)$`);

  // Calls that change the fleet run one at a time, so parallel scaleTo calls do not both start the same worker.
  const serial = <T>(fn: () => Promise<T>): Promise<T> => {
    const run = chain.then(fn, fn);
    chain = run.catch(() => {});
    return run;
  };
  const op = (
    what: string,
    signal: AbortSignal | undefined,
    fn: (api: import('./pm2-api.js').Pm2Api, cb: (e: Error | null) => void) => void,
  ) => pm2.call<void>(what, signal, (api, done) => fn(api, (error) => done(error)));

  const ours = async (signal?: AbortSignal) => {
    const list = await pm2.list(signal);
    return list.filter((p) => (named ? pattern.test(p.name ?? '') && indexOf(p) <= o.max : p.name === o.name));
  };
  const indexOf = (p: Pm2Process) => Number(pattern.exec(p.name ?? '')?.[1] ?? 0);
  const statusOf = (p: Pm2Process) => p.pm2_env?.status ?? 'unknown';
  const asked = (p: Pm2Process) => RUNNING_STATUSES.has(statusOf(p)) || statusOf(p) === 'errored';
  const isReady = (p: Pm2Process) =>
    statusOf(p) === 'online' && (o.waitReady || Date.now() - (p.pm2_env?.pm_uptime ?? 0) >= o.readyGraceMs);

  const errored = (procs: Pm2Process[]) => {
    const names = procs.filter((p) => statusOf(p) === 'errored').map((p) => p.name);
    if (names.length === 0) return;
    throw fleetError(
      SCOPE,
      'provider-failed',
      `PM2 gave up on ${names.join(', ')} (status errored: the script exited ${o.restart.maxRestarts} times within ` +
        `${o.restart.minUptimeMs} ms of starting); see \`pm2 logs ${names[0]}\`, fix the script, then scale down and up`,
    );
  };

  const scaleNamed = async (target: number, signal: AbortSignal) => {
    const procs = await ours(signal);
    const byIndex = new Map(procs.map((p) => [indexOf(p), p]));
    const running = procs.filter(asked).sort((a, b) => indexOf(a) - indexOf(b));
    if (running.length < target) {
      const free = Array.from({ length: o.max }, (_, i) => i + 1).filter((i) => !running.some((p) => indexOf(p) === i));
      await Promise.all(
        free
          .slice(0, target - running.length)
          .map((i) =>
            byIndex.has(i)
              ? op(`restart ${o.name}-${i}`, signal, (api, cb) => api.restart(`${o.name}-${i}`, cb))
              : start(appConfig(o, i), signal),
          ),
      );
    } else if (running.length > target) {
      const stop = running.slice(target).reverse();
      await Promise.all(stop.map((p) => op(`stop ${p.name}`, signal, (api, cb) => api.stop(p.name as string, cb))));
    }
    errored((await ours(signal)).filter((p) => indexOf(p) <= target));
    return running.length;
  };

  const scaleInstances = async (target: number, signal: AbortSignal) => {
    const procs = await ours(signal);
    const running = procs.filter(asked).sort((a, b) => (a.pm_id ?? 0) - (b.pm_id ?? 0));
    if (procs.length === 0 && target > 0) await start(appConfig(o, undefined, target), signal);
    else if (running.length < target) {
      const total = procs.length + target - running.length;
      await op(`scale ${o.name} to ${total}`, signal, (api, cb) => api.scale(o.name, total, cb));
    } else if (running.length > target) {
      // PM2's scale removes the oldest instances (instance 0, the leader, first): delete the newest instead.
      const remove = running.slice(target).reverse();
      await Promise.all(remove.map((p) => op(`delete ${o.name} #${p.pm_id}`, signal, (api, cb) => api.delete(p.pm_id as number, cb))));
    }
    errored(await ours(signal));
    return running.length;
  };

  const start = (config: Pm2AppConfig, signal: AbortSignal) =>
    pm2.call<void>(`start ${config.name}`, signal, (api, done) => api.start(config, (error) => done(error)));

  return {
    name: `pm2(${o.mode}:${o.name})`,
    capabilities: { scaleToZero: o.min === 0, maxSize: o.max },
    pm2Home: pm2.home,

    async status(signal): Promise<FleetStatus> {
      const procs = (await ours(signal)).filter(asked);
      const ready = procs.filter(isReady).length;
      const starting = procs.filter((p) => RUNNING_STATUSES.has(statusOf(p)) && !isReady(p)).length;
      return {
        target: procs.length,
        ready,
        starting,
        ...(last ? { lastScaledAt: last.at, lastScaleDirection: last.direction } : {}),
      };
    },

    scaleTo(target, request: ScaleRequest) {
      return serial(async () => {
        const n = parseWith(
          z.number().int().min(o.min).max(o.max),
          target,
          SCOPE,
          `scaleTo target (an integer in [${o.min}, ${o.max}])`,
          'invalid-input',
        );
        const from = await (named ? scaleNamed(n, request.signal) : scaleInstances(n, request.signal));
        if (from !== n) last = { at: Date.now(), direction: n > from ? 'up' : 'down' };
      });
    },

    reload(options = {}) {
      if (named)
        return Promise.reject(fleetError(SCOPE, 'not-supported', 'reload() is for instances mode; named workers restart one by one'));
      return serial(() => op(`reload ${o.name}`, options.signal, (api, cb) => api.reload(o.name, cb)));
    },

    async processes(signal) {
      return (await ours(signal)).map((p) => ({ name: p.name ?? '', pmId: p.pm_id ?? -1, pid: p.pid ?? 0, status: statusOf(p) }));
    },

    async close() {
      await chain;
      pm2.close();
    },
  };
}

/** For the ecosystem generator: the same app configs the provider registers. */
export function appsOf(o: ResolvedPm2Options): Pm2AppConfig[] {
  if (o.mode === 'instances') return [appConfig(o, undefined, o.min || 1)];
  return Array.from({ length: o.max }, (_, i) => ({ ...appConfig(o, i + 1), ...(i + 1 > o.min ? { autostart: false } : {}) }));
}
