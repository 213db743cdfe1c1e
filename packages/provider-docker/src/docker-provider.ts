import {
  type FleetStatus,
  fleetError,
  type ProviderCapabilities,
  type ScaleDirection,
  type ScaleRequest,
  type ScalingProvider,
} from '@fleet/core';
import type Dockerode from 'dockerode';
import { EngineConnection } from './connection.js';
import { type GroupContainer, groupFilter, isDead, isReady, isStarting, toGroupContainer } from './containers.js';
import { SCOPE, statusOf } from './engine-error.js';
import { limiter } from './limit.js';
import { type DockerProviderOptions, parseDockerOptions, parseTarget } from './options.js';
import { createBody } from './template.js';

/** A ScalingProvider over a group of labelled containers, with the group's containers for inspection. */
export interface DockerProvider extends ScalingProvider {
  readonly capabilities: ProviderCapabilities;
  /** The group's containers as the engine lists them (stopped ones included, those being stopped left out). */
  containers(signal?: AbortSignal): Promise<GroupContainer[]>;
  /** Waits for the call in flight. There is no connection to close; the containers keep running. */
  close(): Promise<void>;
}

/**
 * Scales a group of containers through the Docker Engine API, the way `docker compose up --scale worker=N` does:
 * containers `<group>-1…<group>-N` labelled `fleet.group=<group>` and `fleet.index=<i>`, with the index in
 * `WORKER_ID`. Scale-up fills the lowest free indexes (create, then start); scale-down stops the highest indexes
 * (dead ones first) with SIGTERM and `drainTimeoutMs` before SIGKILL, then removes them.
 *
 * `status()` reads the engine's container list. Containers someone else added or removed are counted (and reported
 * as `lastScaledAt`, so cooldowns respect them); containers that exited or died are replaced.
 *
 * @example
 * const provider = dockerProvider({ group: 'warmup-worker', template: { image: 'acme/warmup:1.4' }, min: 1, max: 20 });
 */
export function dockerProvider(options: DockerProviderOptions): DockerProvider {
  const o = parseDockerOptions(options);
  const engine = new EngineConnection(o.docker, o.callTimeoutMs);
  const draining = new Set<string>();
  const slot = limiter(o.concurrency);
  let known: Set<string> | undefined;
  let last: { at: number; direction: ScaleDirection } | undefined;
  let busy = 0;
  let chain: Promise<unknown> = Promise.resolve();
  const serial = <T>(fn: () => Promise<T>): Promise<T> => {
    const run = chain.then(fn, fn);
    chain = run.catch(() => {});
    return run;
  };

  const list = async (signal?: AbortSignal) => {
    const all = await engine.call('list containers', signal, (d, s) => d.listContainers({ ...groupFilter(o.group), abortSignal: s }));
    return all
      .map(toGroupContainer)
      .filter((c) => c.state !== 'removing' && !draining.has(c.id))
      .sort((a, b) => a.index - b.index);
  };

  // What changed since the last look that this provider did not do: someone else scaled.
  const observe = (now: GroupContainer[]) => {
    const ids = new Set(now.map((c) => c.id));
    if (!known) {
      // First look (e.g. after a restart): the newest container is the last scale-up the engine can tell.
      const newest = Math.max(0, ...now.map((c) => c.createdAt));
      if (!last && newest > 0) last = { at: newest, direction: 'up' };
    } else {
      const added = [...ids].some((id) => !known?.has(id));
      const removed = [...known].some((id) => !ids.has(id));
      if (added || removed) last = { at: Date.now(), direction: added ? 'up' : 'down' };
    }
    known = ids;
  };

  const start = (id: string, index: number, signal: AbortSignal) =>
    engine.call(`start ${o.group}-${index}`, signal, (d, s) => d.getContainer(id).start({ abortSignal: s } as object)).catch(gone);

  const create = (index: number, signal: AbortSignal) =>
    slot(async () => {
      const body = createBody(o.template, o.group, index, o);
      const created = await engine.call(
        `create ${body.name}`,
        signal,
        (d, s) =>
          d.createContainer({ ...body, abortSignal: s } as Dockerode.ContainerCreateOptions).catch((error) => {
            if (statusOf(error) !== 409) throw error;
            throw fleetError(
              SCOPE,
              'provider-failed',
              `${body.name} exists outside the group (no label fleet.group=${o.group}): rename or remove it`,
              error,
            );
          }),
        { image: o.template.image },
      );
      await start(created.id, index, signal);
    });

  const gone = (error: unknown) => {
    const code = statusOf((error as { cause?: unknown }).cause ?? error);
    if (code !== 304 && code !== 404) throw error;
  };
  const remove = (c: GroupContainer, signal: AbortSignal, drain: boolean) =>
    slot(async () => {
      const id = `${o.group}-${c.index} (${c.id.slice(0, 12)})`;
      if (drain) {
        // Docker sends SIGTERM, waits t seconds, then SIGKILL: the drain. The call is bounded by the drain on top.
        const t = Math.ceil(o.drainTimeoutMs / 1000);
        await engine
          .call(`stop ${id}`, signal, (d, s) => d.getContainer(c.id).stop({ t, abortSignal: s } as object), {
            timeoutMs: o.callTimeoutMs + t * 1000,
          })
          .catch(gone);
      }
      await engine
        .call(`remove ${id}`, signal, (d, s) => d.getContainer(c.id).remove({ force: true, abortSignal: s } as object))
        .catch(gone);
    });

  // Dead containers are replaced under the same index, so WORKER_IDs stay 1..n; containers left created but never
  // started (a start cut short by an outage) are started.
  const heal = async (containers: GroupContainer[], signal: AbortSignal) => {
    const dead = o.replaceDead ? containers.filter(isDead) : [];
    const stuck = containers.filter((c) => c.state === 'created');
    await Promise.all([
      ...dead.map((c) => remove(c, signal, false).then(() => create(c.index, signal))),
      ...stuck.map((c) =>
        slot(() => start(c.id, c.index, signal))
          // A start cut short by an engine restart can leave a task the engine cannot start again: make it anew.
          .catch(() => remove(c, signal, false).then(() => create(c.index, signal))),
      ),
    ]);
    return dead.length + stuck.length;
  };

  const scale = async (n: number, signal: AbortSignal) => {
    const now = await list(signal);
    observe(now);
    if (now.length < n) {
      const used = new Set(now.map((c) => c.index));
      const free = Array.from({ length: o.max + now.length }, (_, i) => i + 1).filter((i) => !used.has(i));
      await Promise.all([...free.slice(0, n - now.length).map((i) => create(i, signal)), heal(now, signal)]);
    } else if (now.length > n) {
      const order = [...now].sort((a, b) => Number(isDead(b)) - Number(isDead(a)) || b.index - a.index);
      const out = order.slice(0, now.length - n);
      for (const c of out) draining.add(c.id);
      try {
        await Promise.all([...out.map((c) => remove(c, signal, !isDead(c))), heal(order.slice(out.length), signal)]);
      } finally {
        for (const c of out) draining.delete(c.id);
      }
    } else await heal(now, signal);
    return now.length;
  };

  return {
    name: `docker(${o.group})`,
    capabilities: { scaleToZero: o.min === 0, maxSize: o.max },

    async status(signal): Promise<FleetStatus> {
      let now = await list(signal);
      if (busy === 0) {
        observe(now);
        if (now.some((c) => isDead(c) || c.state === 'created')) {
          await serial(async () => {
            busy++;
            try {
              if ((await heal(await list(signal), signal)) > 0) {
                now = await list(signal);
                known = new Set(now.map((c) => c.id));
              }
            } finally {
              busy--;
            }
          });
        }
      }
      return {
        target: now.length,
        ready: now.filter(isReady).length,
        starting: now.filter(isStarting).length,
        ...(last ? { lastScaledAt: last.at, lastScaleDirection: last.direction } : {}),
      };
    },

    scaleTo(target, request: ScaleRequest) {
      return serial(async () => {
        const n = parseTarget(target, o);
        busy++;
        try {
          const from = await scale(n, request.signal);
          if (from !== n) last = { at: Date.now(), direction: n > from ? 'up' : 'down' };
          known = new Set((await list(request.signal)).map((c) => c.id));
        } finally {
          busy--;
        }
      });
    },

    containers: (signal) => list(signal),

    async close() {
      await chain;
    },
  };
}
