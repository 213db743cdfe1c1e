import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { MAX_TIMER_MS, parseWith, tooLongForTimer } from '@fleet/core';
import { z } from 'zod';
import { SCOPE } from './connection.js';
import type { Pm2AppConfig, Pm2Constructor } from './pm2-api.js';

/** A duration that ends in a Node timer: at most 2^31 − 1 ms. */
const ms = z.number().finite().min(0).max(MAX_TIMER_MS, tooLongForTimer);

const schema = z
  .strictObject({
    mode: z.enum(['named', 'instances'], "expected 'named' (S0: apps name-1..name-max) or 'instances' (S4: one app's instances)"),
    name: z
      .string('expected an app name (named mode: the base of name-1, name-2…)')
      .regex(/^[A-Za-z0-9._-]+$/, 'expected letters, digits, dot, dash or underscore'),
    script: z
      .string('expected the path of the worker script')
      .min(1, 'expected the path of the worker script')
      .refine((p) => existsSync(p), { message: 'expected the path of an existing file (resolved from the current directory)' }),
    args: z.array(z.string()).default([]),
    env: z.record(z.string(), z.string()).default({}),
    cwd: z.string().optional(),
    nodeArgs: z.array(z.string()).default([]),
    interpreter: z.string().optional(),
    execMode: z.enum(['fork', 'cluster']).default('fork'),
    min: z.number().int().min(0).default(1),
    max: z.union([z.number().int().min(1), z.literal('max')]).default(10),
    drainTimeoutMs: ms.default(30_000),
    waitReady: z.boolean().default(false),
    readyGraceMs: ms.default(0),
    restart: z
      .strictObject({ minUptimeMs: ms.default(1_000), maxRestarts: z.number().int().min(0).default(5) })
      .default({ minUptimeMs: 1_000, maxRestarts: 5 }),
    pm2Home: z.string().min(1).optional(),
    startDaemon: z.boolean().default(true),
    callTimeoutMs: z.number().finite().positive().max(MAX_TIMER_MS, tooLongForTimer).optional(),
    pm2: z
      .custom<{ custom: Pm2Constructor }>(
        (v) => typeof (v as { custom?: unknown } | null)?.custom === 'function',
        'expected the pm2 module',
      )
      .optional(),
  })
  .transform((o) => ({ ...o, max: o.max === 'max' ? availableParallelism() : o.max, maxGiven: o.max }))
  .superRefine((o, ctx) => {
    if (o.min > o.max) ctx.addIssue({ code: 'custom', path: ['min'], message: `expected min <= max (${o.max}), got ${o.min}` });
  });

/** Options of {@link pm2Provider}. */
export interface Pm2ProviderOptions {
  /** `named`: apps `${name}-1…${name}-${max}`, started and stopped by name (S0). `instances`: one app whose instance count changes (S4). */
  mode: 'named' | 'instances';
  /** The app name (instances) or the base of the app names (named). */
  name: string;
  /** The worker script. Must exist. */
  script: string;
  /** @default [] */
  args?: string[];
  /** Added to the app's environment; in named mode `WORKER_ID` is the app's name (`bot-3`). @default {} */
  env?: Record<string, string>;
  /** @default process.cwd() */
  cwd?: string;
  /** Node flags (PM2's `node_args`). @default [] */
  nodeArgs?: string[];
  /** PM2's `interpreter`. @default node */
  interpreter?: string;
  /** Instances mode: PM2's `exec_mode`. `cluster` shares a port between instances and allows a zero-downtime reload. @default 'fork' */
  execMode?: 'fork' | 'cluster';
  /** Kept online at least (scaleTo below it is refused). @default 1 */
  min?: number;
  /** The most workers; `'max'` is one per CPU. In named mode, the number of app names. @default 10 */
  max?: number | 'max';
  /** PM2's `kill_timeout`: after SIGINT, how long a stopped worker may finish what it holds before SIGKILL. @default 30_000 */
  drainTimeoutMs?: number;
  /** PM2's `wait_ready`: a worker is ready once it sends `process.send('ready')` (or after `readyGraceMs`). @default false */
  waitReady?: boolean;
  /** Without `waitReady`: how long after going online a worker counts as ready. With it: PM2's `listen_timeout` (0 → 30 s). @default 0 */
  readyGraceMs?: number;
  /**
   * PM2's crash handling: after `maxRestarts` exits each within `minUptimeMs` of starting, PM2 marks the worker
   * `errored` and stops restarting it. No restart delay is set on purpose: with one, PM2 shows such a worker as
   * `waiting restart` forever, and the provider could not tell it gave up.
   * @default { minUptimeMs: 1000, maxRestarts: 5 }
   */
  restart?: { minUptimeMs?: number; maxRestarts?: number };
  /** The PM2 home of the daemon to use. @default process.env.PM2_HOME, else ~/.pm2 */
  pm2Home?: string;
  /** Start a daemon when none runs (false: fail until one runs). @default true */
  startDaemon?: boolean;
  /** Bound on each call to the daemon. @default drainTimeoutMs + listen timeout + 10 s */
  callTimeoutMs?: number;
  /** The pm2 module, when it is not resolvable from here. @default import('pm2') */
  pm2?: { custom: Pm2Constructor };
}

/** Options with defaults applied, `max` resolved to a number. */
export type ResolvedPm2Options = ReturnType<typeof parsePm2Options>;

/** Validates the options: a FleetError `invalid-options` naming the field. */
export function parsePm2Options(options: Pm2ProviderOptions, what = 'pm2Provider() options') {
  const o = parseWith(schema, options, SCOPE, what);
  const listenTimeout = o.waitReady ? o.readyGraceMs || 30_000 : 0;
  return {
    ...o,
    script: resolve(o.script),
    listenTimeout,
    callTimeoutMs: o.callTimeoutMs ?? Math.min(MAX_TIMER_MS, o.drainTimeoutMs + listenTimeout + 10_000),
  };
}

/** The PM2 app config of worker `index` (named mode, from 1) or of the app (instances mode, `instances` given). */
export function appConfig(o: ResolvedPm2Options, index?: number, instances?: number): Pm2AppConfig {
  const name = index === undefined ? o.name : `${o.name}-${index}`;
  return {
    name,
    script: o.script,
    args: o.args,
    ...(o.cwd ? { cwd: resolve(o.cwd) } : {}),
    ...(o.nodeArgs.length > 0 ? { node_args: o.nodeArgs } : {}),
    ...(o.interpreter ? { interpreter: o.interpreter } : {}),
    env: index === undefined ? { ...o.env } : { ...o.env, WORKER_ID: name },
    exec_mode: o.mode === 'instances' ? o.execMode : 'fork',
    ...(instances !== undefined ? { instances } : {}),
    autorestart: true,
    kill_timeout: o.drainTimeoutMs,
    ...(o.waitReady ? { wait_ready: true, listen_timeout: o.listenTimeout } : {}),
    min_uptime: o.restart.minUptimeMs,
    max_restarts: o.restart.maxRestarts,
  };
}
