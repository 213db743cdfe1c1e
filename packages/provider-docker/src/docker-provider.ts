import {
  type FleetStatus,
  MAX_TIMER_MS,
  type ProviderCapabilities,
  type ScaleDirection,
  type ScaleRequest,
  type ScalingProvider,
} from '@fleet/core';
import type Dockerode from 'dockerode';
import { EngineConnection } from './connection.js';
import { type GroupContainer, groupQuery, isDead, isReady, isStarting, type Squatter, sortOut } from './containers.js';
import { statusOf } from './engine-error.js';
import { freeIndexes, squattedError } from './free-indexes.js';
import { limiter } from './limit.js';
import { type DockerProviderOptions, parseDockerOptions, parseTarget } from './options.js';
import { createBody } from './template.js';

/**
 * Waits for every call, then fails with the first failure: a scaleTo never returns while one of its creates is still
 * in flight, so the next one cannot take the same index again and end up with one container too many.
 */
async function settled<T extends unknown[]>(calls: [...{ [K in keyof T]: Promise<T[K]> }]): Promise<T> {
  const results = await Promise.allSettled(calls);
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
  return results.map((r) => (r as PromiseFulfilledResult<unknown>).value) as T;
}

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
 * `WORKER_ID`. Only a container whose name and both labels agree belongs to the group; nothing else is counted,
 * stopped or removed. Scale-up fills the lowest free indexes (create, then start), passing over a name a foreign
 * container holds; scale-down stops the highest indexes with SIGTERM and `drainTimeoutMs` before SIGKILL, then
 * removes them. Members that exited or died are replaced by the next `scaleTo`.
 *
 * `status()` only reads the engine's container list. Containers someone else added or removed are counted (and
 * reported as `lastScaledAt`, so cooldowns respect them).
 *
 * @example
 * const provider = dockerProvider({ group: 'warmup-worker', template: { image: 'acme/warmup:1.4' }, min: 1, max: 20 });
 */
export function dockerProvider(options: DockerProviderOptions): DockerProvider {
  const o = parseDockerOptions(options);
  const engine = new EngineConnection(o.docker, o.callTimeoutMs);
  const draining = new Set<string>();
  // Indexes this provider is creating and starting: a member in state `created` there is on its way, not stuck.
  const launching = new Set<number>();
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

  const look = async (signal?: AbortSignal) => {
    const all = await engine.call('list containers', signal, (d, s) => d.listContainers({ ...groupQuery(o.group), abortSignal: s }));
    const { members, squatters } = sortOut(o.group, all);
    return { members: members.filter((c) => c.state !== 'removing' && !draining.has(c.id)), squatters };
  };
  const list = async (signal?: AbortSignal) => (await look(signal)).members;

  // Members the next scaleTo removes and makes anew: dead ones (with replaceDead), and ones left created but never
  // started by a start an outage cut short. They are not counted as the fleet's size, so the Autoscaler asks for them.
  const broken = (c: GroupContainer) => (o.replaceDead && isDead(c)) || (c.state === 'created' && !launching.has(c.index));

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

  const gone = (error: unknown) => {
    const code = statusOf((error as { cause?: unknown }).cause ?? error);
    if (code !== 304 && code !== 404) throw error;
  };

  // Resolves false when the name is taken (HTTP 409): someone made a container of that name after the list was read.
  const create = (index: number, signal: AbortSignal) =>
    slot(async () => {
      const body = createBody(o.template, o.group, index, o);
      launching.add(index);
      try {
        const created = await engine.call(
          `create ${body.name}`,
          signal,
          (d, s) => d.createContainer({ ...body, abortSignal: s } as Dockerode.ContainerCreateOptions),
          { image: o.template.image },
        );
        await engine
          .call(`start ${body.name}`, signal, (d, s) => d.getContainer(created.id).start({ abortSignal: s } as object))
          .catch(gone);
        return true;
      } catch (error) {
        if (statusOf((error as { cause?: unknown }).cause) === 409) return false;
        throw error;
      } finally {
        launching.delete(index);
      }
    });

  const remove = (c: GroupContainer, signal: AbortSignal, drain: boolean) =>
    slot(async () => {
      const id = `${c.name} (${c.id.slice(0, 12)})`;
      if (drain) {
        // Docker sends SIGTERM, waits t seconds, then SIGKILL: the drain. The call is bounded by the drain on top.
        const t = Math.ceil(o.drainTimeoutMs / 1000);
        await engine
          .call(`stop ${id}`, signal, (d, s) => d.getContainer(c.id).stop({ t, abortSignal: s } as object), {
            timeoutMs: Math.min(MAX_TIMER_MS, o.callTimeoutMs + t * 1000),
          })
          .catch(gone);
      }
      await engine
        .call(`remove ${id}`, signal, (d, s) => d.getContainer(c.id).remove({ force: true, abortSignal: s } as object))
        .catch(gone);
    });

  // Broken members are removed first so their names are free again: WORKER_IDs stay 1..n where no foreign container
  // is in the way. Resolves with the names passed over.
  const refill = async (count: number, keep: GroupContainer[], fix: GroupContainer[], squatters: Squatter[], signal: AbortSignal) => {
    await settled(fix.map((c) => remove(c, signal, false)));
    const indexes = freeIndexes(
      o.group,
      keep.map((c) => c.index),
      squatters,
    );
    await settled(
      Array.from({ length: count }, async () => {
        for (let i = indexes.take(); !(await create(i, signal)); i = indexes.take()) indexes.lost(i);
      }),
    );
    return indexes.passedOver;
  };

  const scale = async (n: number, signal: AbortSignal) => {
    const { members, squatters } = await look(signal);
    observe(members);
    const fix = members.filter(broken);
    const keep = members.filter((c) => !broken(c));
    // With replaceDead off, dead members are counted, and they are the first to go.
    const order = [...keep].sort((a, b) => Number(isDead(b)) - Number(isDead(a)) || b.index - a.index);
    const out = order.slice(0, Math.max(0, keep.length - n));
    for (const c of out) draining.add(c.id);
    try {
      const [passedOver] = await settled([
        refill(Math.max(0, n - keep.length), keep, fix, squatters, signal),
        ...out.map((c) => remove(c, signal, !isDead(c))),
      ]);
      return { from: keep.length, passedOver };
    } finally {
      for (const c of out) draining.delete(c.id);
    }
  };

  return {
    name: `docker(${o.group})`,
    capabilities: { scaleToZero: o.min === 0, maxSize: o.max },

    // Read-only: it changes nothing on the engine, whatever it finds.
    async status(signal): Promise<FleetStatus> {
      const now = await list(signal);
      if (busy === 0) observe(now);
      const counted = now.filter((c) => !broken(c));
      return {
        target: counted.length,
        ready: counted.filter(isReady).length,
        starting: counted.filter(isStarting).length,
        ...(last ? { lastScaledAt: last.at, lastScaleDirection: last.direction } : {}),
      };
    },

    scaleTo(target, request: ScaleRequest) {
      return serial(async () => {
        const n = parseTarget(target, o);
        busy++;
        try {
          const { from, passedOver } = await scale(n, request.signal);
          if (from !== n) last = { at: Date.now(), direction: n > from ? 'up' : 'down' };
          known = new Set((await list(request.signal)).map((c) => c.id));
          if (passedOver.length > 0) throw squattedError(o.group, passedOver);
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
