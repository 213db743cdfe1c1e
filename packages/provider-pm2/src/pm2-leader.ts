import type { LeaderElector } from '@fleet/core';
import { parseWith } from '@fleet/core';
import { z } from 'zod';
import { Pm2Connection, SCOPE } from './connection.js';
import type { Pm2Constructor, Pm2Process } from './pm2-api.js';

const schema = z.strictObject({
  app: z.string('expected the PM2 app name (set by PM2 as process.env.name)').min(1),
  pmId: z.coerce.number('expected this process’s pm_id (set by PM2 as process.env.pm_id)').int().min(0),
  pm2Home: z.string().min(1).optional(),
  callTimeoutMs: z.number().finite().positive().default(5_000),
  pm2: z.custom<{ custom: Pm2Constructor }>((v) => typeof (v as { custom?: unknown } | null)?.custom === 'function').optional(),
});

/** Options of {@link pm2Leader}. */
export interface Pm2LeaderOptions {
  /** The app whose instances elect a leader. @default process.env.name (set by PM2) */
  app?: string;
  /** This instance's pm_id. @default process.env.pm_id (set by PM2) */
  pmId?: number | string;
  /** @default process.env.PM2_HOME (PM2 sets it for its processes) */
  pm2Home?: string;
  /** @default 5_000 */
  callTimeoutMs?: number;
  /** @default import('pm2') */
  pm2?: { custom: Pm2Constructor };
}

const instanceOf = (p: Pm2Process) => Number(p.pm2_env?.NODE_APP_INSTANCE ?? Number.POSITIVE_INFINITY);

/**
 * A LeaderElector for an app PM2 runs as several instances (S4's cluster): instance 0 leads; while it is not online
 * (crashed, restarting, deleted) the online instance with the lowest instance number leads, and instance 0 takes
 * over again once it is back. Reads PM2's process list on each campaign, so it needs no lock of its own.
 *
 * @example
 * // inside the clustered app
 * new Autoscaler({ …, leader: pm2Leader() });
 */
export function pm2Leader(options: Pm2LeaderOptions = {}): LeaderElector & { close(): void } {
  const o = parseWith(schema, { app: process.env.name, pmId: process.env.pm_id, ...options }, SCOPE, 'pm2Leader() options');
  const pm2 = new Pm2Connection({ pm2Home: o.pm2Home, startDaemon: false, callTimeoutMs: o.callTimeoutMs, pm2: o.pm2 });
  return {
    id: `${o.app}#${o.pmId}`,
    async campaign(signal) {
      const online = (await pm2.list(signal)).filter((p) => p.name === o.app && p.pm2_env?.status === 'online');
      online.sort((a, b) => instanceOf(a) - instanceOf(b) || (a.pm_id ?? 0) - (b.pm_id ?? 0));
      return online[0]?.pm_id === o.pmId;
    },
    // Leadership follows PM2's list: nothing to give up.
    async resign() {},
    close: () => pm2.close(),
  };
}
