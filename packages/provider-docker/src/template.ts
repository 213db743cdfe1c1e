import type Dockerode from 'dockerode';
import { z } from 'zod';

/** The labels that identify a group's containers; a template may not set them. */
export const GROUP_LABEL = 'fleet.group';
export const INDEX_LABEL = 'fleet.index';

/** The container every worker of a group is made from (a subset of the Engine API's create body, in camelCase). */
export interface ContainerTemplate {
  /** Image reference, e.g. `ghcr.io/acme/worker:1.4`. It must already be on the engine (pull it first). */
  image: string;
  /** Overrides the image's `CMD`. */
  cmd?: string[];
  /** Overrides the image's `ENTRYPOINT`. */
  entrypoint?: string[];
  /** Environment; the worker's index (1, 2, …) is added as `workerIdEnv`. @default {} */
  env?: Record<string, string>;
  /** Extra labels. Keys starting with `fleet.` are reserved for the group's own labels. @default {} */
  labels?: Record<string, string>;
  /** Bind mounts as the CLI writes them: `/host/path:/container/path[:ro]`. @default [] */
  binds?: string[];
  /** `HostConfig.NetworkMode`: `bridge`, `host`, `none`, or a network's name. @default the engine's default (bridge) */
  networkMode?: string;
  /** Memory limit in bytes, and CPUs as a fraction (`0.5` = half a core). */
  resources?: { memoryBytes?: number; cpus?: number };
  /** Docker's restart policy for crashes inside the container; the provider also replaces containers that died. @default none */
  restartPolicy?: { name: 'no' | 'on-failure' | 'always' | 'unless-stopped'; maximumRetryCount?: number };
  /** A health check; with one, a container is ready once the engine reports it healthy. @default the image's own */
  healthcheck?: { test: string[]; intervalMs?: number; timeoutMs?: number; retries?: number; startPeriodMs?: number };
  /** The user to run as. */
  user?: string;
  /** The working directory. */
  workingDir?: string;
}

const noFleetLabels = (labels: Record<string, string>) => Object.keys(labels).filter((k) => k === 'fleet' || k.startsWith('fleet.'));

export const templateSchema = z.strictObject(
  {
    image: z
      .string('expected an image reference, e.g. "acme/worker:1.4"')
      .trim()
      .min(1, 'expected an image reference, e.g. "acme/worker:1.4"'),
    cmd: z.array(z.string()).optional(),
    entrypoint: z.array(z.string()).optional(),
    env: z.record(z.string(), z.string()).default({}),
    labels: z
      .record(z.string(), z.string())
      .default({})
      .refine((labels) => noFleetLabels(labels).length === 0, {
        message: `expected no keys starting with "fleet." (${GROUP_LABEL} and ${INDEX_LABEL} identify the group's containers)`,
      }),
    binds: z.array(z.string().regex(/^[^:]+:\/[^:]*(:(ro|rw|z|Z|[a-z,]+))?$/, 'expected "/host/path:/container/path[:ro]"')).default([]),
    networkMode: z.string().min(1).optional(),
    resources: z.strictObject({ memoryBytes: z.number().int().positive().optional(), cpus: z.number().positive().optional() }).optional(),
    restartPolicy: z
      .strictObject({
        name: z.enum(['no', 'on-failure', 'always', 'unless-stopped']),
        maximumRetryCount: z.number().int().min(0).optional(),
      })
      .optional(),
    healthcheck: z
      .strictObject({
        test: z.array(z.string()).min(1),
        intervalMs: z.number().int().positive().optional(),
        timeoutMs: z.number().int().positive().optional(),
        retries: z.number().int().min(0).optional(),
        startPeriodMs: z.number().int().min(0).optional(),
      })
      .optional(),
    user: z.string().optional(),
    workingDir: z.string().optional(),
  },
  { error: (issue) => (issue.code === 'invalid_type' ? 'expected a container template: { image, cmd?, env?, labels?, … }' : undefined) },
);

type Template = z.output<typeof templateSchema>;
const ns = (ms: number | undefined) => (ms === undefined ? undefined : ms * 1_000_000);

/** The Engine API create body of worker `index` of `group`. */
export function createBody(
  t: Template,
  group: string,
  index: number,
  o: { workerIdEnv: string; drainTimeoutMs: number },
): Dockerode.ContainerCreateOptions {
  const env = { ...t.env, [o.workerIdEnv]: String(index) };
  const h = t.healthcheck;
  return {
    name: `${group}-${index}`,
    Image: t.image,
    ...(t.cmd ? { Cmd: t.cmd } : {}),
    ...(t.entrypoint ? { Entrypoint: t.entrypoint } : {}),
    Env: Object.entries(env).map(([k, v]) => `${k}=${v}`),
    Labels: { ...t.labels, [GROUP_LABEL]: group, [INDEX_LABEL]: String(index) },
    // The engine's own `docker stop` then gives the same drain time as the provider.
    StopTimeout: Math.ceil(o.drainTimeoutMs / 1000),
    ...(t.user ? { User: t.user } : {}),
    ...(t.workingDir ? { WorkingDir: t.workingDir } : {}),
    ...(h
      ? {
          Healthcheck: {
            Test: h.test,
            Interval: ns(h.intervalMs),
            Timeout: ns(h.timeoutMs),
            Retries: h.retries,
            StartPeriod: ns(h.startPeriodMs),
          },
        }
      : {}),
    HostConfig: {
      ...(t.binds.length > 0 ? { Binds: t.binds } : {}),
      ...(t.networkMode ? { NetworkMode: t.networkMode } : {}),
      ...(t.resources?.memoryBytes ? { Memory: t.resources.memoryBytes } : {}),
      ...(t.resources?.cpus ? { NanoCpus: Math.round(t.resources.cpus * 1e9) } : {}),
      ...(t.restartPolicy
        ? { RestartPolicy: { Name: t.restartPolicy.name, MaximumRetryCount: t.restartPolicy.maximumRetryCount ?? 0 } }
        : {}),
    },
  };
}
