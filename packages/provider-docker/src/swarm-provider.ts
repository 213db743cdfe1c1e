import { type FleetStatus, fleetError, type ProviderCapabilities, parseWith, type ScaleDirection, type ScalingProvider } from '@fleet/core';
import type Dockerode from 'dockerode';
import { z } from 'zod';
import { type DockerOption, dockerOptionSchema, EngineConnection } from './connection.js';
import { engineMessage, SCOPE } from './engine-error.js';
import { parseTarget } from './options.js';

/** Options of {@link swarmProvider}. */
export interface SwarmProviderOptions {
  /** The Swarm service's name or id (replicated mode), e.g. `warmup_worker` as `docker stack deploy` names it. */
  service: string;
  /** The engine of a Swarm manager: a dockerode instance or where to connect. @default `DOCKER_HOST`, else the local socket */
  docker?: DockerOption;
  /** @default 1 */
  min?: number;
  /** @default 100 */
  max?: number;
  /** How often an update refused as out of sequence (someone else updated the service in between) is tried again. @default 5 */
  conflictRetries?: number;
  /** Bound on each engine call. @default 10_000 */
  callTimeoutMs?: number;
}

const schema = z
  .strictObject({
    service: z.string('expected the service name or id').min(1, 'expected the service name or id'),
    docker: dockerOptionSchema.optional(),
    min: z.number().int().min(0).default(1),
    max: z.number().int().min(1).default(100),
    conflictRetries: z.number().int().min(0).default(5),
    callTimeoutMs: z.number().int().positive().default(10_000),
  })
  .superRefine((o, ctx) => {
    if (o.min > o.max) ctx.addIssue({ code: 'custom', path: ['min'], message: `expected min <= max (${o.max}), got ${o.min}` });
  });

const STARTING = new Set(['new', 'allocated', 'pending', 'assigned', 'accepted', 'preparing', 'ready', 'starting']);
const replicasOf = (spec: { Mode?: { Replicated?: { Replicas?: number } } } | undefined) => spec?.Mode?.Replicated?.Replicas;

/**
 * Scales a Docker Swarm service by its replica count, as `docker service scale` does, with the engine's
 * optimistic concurrency: each update carries the spec version it was read at, and one refused because someone
 * else updated the service in between is read again and retried, so their change is kept, not overwritten.
 *
 * Scale-in is Swarm's: it stops tasks with the service's stop grace period (`--stop-grace-period`) and picks
 * which ones itself. `lastScaledAt` is the service's `UpdatedAt` when its last update changed the replicas,
 * whoever made it.
 *
 * @example
 * const provider = swarmProvider({ service: 'warmup_worker', min: 1, max: 100 });
 */
export function swarmProvider(options: SwarmProviderOptions): ScalingProvider & { readonly capabilities: ProviderCapabilities } {
  const o = parseWith(schema, options, SCOPE, 'swarmProvider() options');
  const engine = new EngineConnection(o.docker, o.callTimeoutMs);
  let last: { at: number; direction: ScaleDirection } | undefined;

  const inspect = async (signal: AbortSignal) => {
    const info = (await engine.call(`inspect service ${o.service}`, signal, (d, s) =>
      d.getService(o.service).inspect({ abortSignal: s } as object),
    )) as Dockerode.Service & {
      ID: string;
      Version: { Index: number };
      Spec: Dockerode.ServiceSpec;
      PreviousSpec?: Dockerode.ServiceSpec;
      UpdatedAt?: string;
    };
    // The engine also answers a lookup with a service whose id merely starts with what it was given: that one is
    // someone else's, and scaling it would change a fleet this provider was never pointed at.
    if (info.ID !== o.service && info.Spec?.Name !== o.service)
      throw fleetError(
        SCOPE,
        'provider-failed',
        `no service is named ${o.service}: the engine matched ${info.Spec?.Name ?? 'a service'} (${info.ID}) by the start of its id; left alone: give the service's full name or id`,
      );
    const replicas = replicasOf(info.Spec);
    if (replicas === undefined)
      throw fleetError(SCOPE, 'not-supported', `service ${o.service} is not in replicated mode (global services cannot be scaled)`);
    return { ...info, replicas };
  };

  return {
    name: `swarm(${o.service})`,
    capabilities: { scaleToZero: o.min === 0, maxSize: o.max },

    async status(signal): Promise<FleetStatus> {
      const service = await inspect(signal);
      const tasks = await engine.call(`list tasks of ${o.service}`, signal, (d, s) =>
        d.listTasks({ filters: { service: [service.ID], 'desired-state': ['running'] }, abortSignal: s } as object),
      );
      const states = tasks.map((t) => (t as { Status?: { State?: string } }).Status?.State ?? '');
      const before = replicasOf(service.PreviousSpec);
      // The engine's own record covers scaling by anyone (docker service scale, a stack deploy); ours covers the rest.
      const seen =
        before !== undefined && before !== service.replicas && service.UpdatedAt
          ? { at: Date.parse(service.UpdatedAt), direction: (service.replicas > before ? 'up' : 'down') as ScaleDirection }
          : undefined;
      // Right after a scale-in the orchestrator has not yet marked the extra tasks for shutdown: they are leaving.
      const ready = Math.min(states.filter((s) => s === 'running').length, service.replicas);
      const latest = [seen, last].filter((x) => x !== undefined).sort((a, b) => b.at - a.at)[0];
      return {
        target: service.replicas,
        ready,
        starting: Math.min(states.filter((s) => STARTING.has(s)).length, service.replicas - ready),
        ...(latest ? { lastScaledAt: latest.at, lastScaleDirection: latest.direction } : {}),
      };
    },

    async scaleTo(target, { signal }) {
      const n = parseTarget(target, o);
      for (let attempt = 0; ; attempt++) {
        const service = await inspect(signal);
        if (service.replicas === n) return;
        const spec = { ...service.Spec, Mode: { Replicated: { Replicas: n } } };
        try {
          await engine.call(`update service ${o.service}`, signal, (d, s) =>
            d.getService(service.ID).update({ _query: { version: service.Version.Index }, _body: spec, abortSignal: s } as never),
          );
          last = { at: Date.now(), direction: n > service.replicas ? 'up' : 'down' };
          return;
        } catch (error) {
          // The engine refuses an update made from a stale version: read the service again and retry.
          if (!/out of sequence/i.test(engineMessage((error as { cause?: unknown }).cause)) || attempt >= o.conflictRetries) throw error;
        }
      }
    },
  };
}
