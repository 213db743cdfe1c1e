import { MAX_TIMER_MS, parseWith, tooLongForTimer } from '@fleet/core';
import { z } from 'zod';
import { type DockerOption, dockerOptionSchema } from './connection.js';
import { SCOPE } from './engine-error.js';
import { type ContainerTemplate, templateSchema } from './template.js';

const groupName = 'expected a non-empty group name of letters, digits, ".", "-" or "_" (containers are named <group>-1, <group>-2, …)';

const schema = z
  .strictObject({
    group: z.string(groupName).regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, groupName),
    template: templateSchema,
    docker: dockerOptionSchema.optional(),
    min: z.number().int().min(0).default(1),
    max: z.number().int().min(1).default(10),
    drainTimeoutMs: z.number().int().min(0).max(MAX_TIMER_MS, tooLongForTimer).default(30_000),
    workerIdEnv: z
      .string()
      .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'expected an environment variable name')
      .default('WORKER_ID'),
    replaceDead: z.boolean().default(true),
    concurrency: z.number().int().min(1).max(8).default(4),
    callTimeoutMs: z.number().int().positive().max(MAX_TIMER_MS, tooLongForTimer).optional(),
  })
  .superRefine((o, ctx) => {
    if (o.min > o.max) ctx.addIssue({ code: 'custom', path: ['min'], message: `expected min <= max (${o.max}), got ${o.min}` });
  });

/** Options of {@link dockerProvider}. */
export interface DockerProviderOptions {
  /** The group's name: its containers carry the label `fleet.group=<group>` and are named `<group>-<index>`. */
  group: string;
  /** What each container is made from. */
  template: ContainerTemplate;
  /** The engine: a dockerode instance or where to connect. @default `DOCKER_HOST` (with `DOCKER_TLS_VERIFY`/`DOCKER_CERT_PATH`), else the local socket */
  docker?: DockerOption;
  /** Kept running at least (scaleTo below it is refused); 0 allows scaling to zero. @default 1 */
  min?: number;
  /** The most containers. @default 10 */
  max?: number;
  /** How long a stopped container may finish what it holds after SIGTERM before SIGKILL (rounded up to seconds). @default 30_000 */
  drainTimeoutMs?: number;
  /** The variable that carries the worker's index (1, 2, …), e.g. S1's `WARMUP_WORKER_ID`. @default 'WORKER_ID' */
  workerIdEnv?: string;
  /** Leave members that exited or died out of `target`, so the next `scaleTo` replaces them under their index (not the ones removed by someone). @default true */
  replaceDead?: boolean;
  /** How many containers are created, started or stopped at once (at most 8). @default 4 */
  concurrency?: number;
  /** Bound on each engine call; a stop waits for the drain on top of it. @default 10_000 */
  callTimeoutMs?: number;
}

/** Validates the options: a FleetError `invalid-options` naming the field. */
export function parseDockerOptions(options: DockerProviderOptions, what = 'dockerProvider() options') {
  const o = parseWith(schema, options, SCOPE, what);
  return { ...o, callTimeoutMs: o.callTimeoutMs ?? 10_000 };
}

/** Checks a `scaleTo` target against the bounds: a FleetError `invalid-input` before anything changes. */
export const parseTarget = (target: number, o: { min: number; max: number }): number =>
  parseWith(z.number().int().min(o.min).max(o.max), target, SCOPE, `scaleTo target (an integer in [${o.min}, ${o.max}])`, 'invalid-input');

/** Options with defaults applied. */
export type ResolvedDockerOptions = ReturnType<typeof parseDockerOptions>;
