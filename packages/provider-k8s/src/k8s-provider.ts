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
import { SCOPE, statusOf } from './api-error.js';
import type { K8sProviderEvent } from './events.js';
import { hpaCheck } from './hpa-check.js';
import { loadKubeConfig } from './kubeconfig.js';
import { type K8sProviderOptions, parseK8sOptions } from './options.js';
import { scaleTarget } from './scale-target.js';

/** core's `FleetStatus` with what Kubernetes adds. */
export interface K8sFleetStatus extends FleetStatus {
  /** Why a rollout of the workload is in progress (`1 of 3 replicas updated`), when one is. Deployments and StatefulSets only. */
  rollout?: string;
}

/** A ScalingProvider over a Kubernetes object's `/scale` subresource. */
export interface K8sProvider extends ScalingProvider {
  readonly capabilities: ProviderCapabilities;
  /** The namespace in use (given, or from the kubeconfig context). */
  readonly namespace: string;
  status(signal: AbortSignal): Promise<K8sFleetStatus>;
  /** Waits for a `scaleTo` in flight. The object is left as it is; client-node holds no connection to close. */
  close(): Promise<void>;
}

/**
 * Scales anything with a `/scale` subresource (a Deployment, a StatefulSet, a custom resource) the way
 * `kubectl scale` does, with optimistic concurrency: `scaleTo` reads the scale object, then merge-patches
 * `spec.replicas` carrying the `resourceVersion` it read, so a write made in between by someone else is refused
 * with 409 Conflict instead of silently overwritten; the provider then reads again and retries (up to
 * `conflictRetries` times, each reported as a `conflict` event). Asking for the current size writes nothing.
 *
 * `status()` gives `spec.replicas` as `target`; for Deployments and StatefulSets `status.readyReplicas` as
 * `ready`, the rest of `status.replicas` (up to the target: the others are terminating) as `starting`, and a rollout in progress as `rollout`; for custom
 * resources the scale's `status.replicas` counts as ready (the scale subresource has no readiness).
 *
 * `lastScaledAt` is the time this provider wrote a new size, or the time it first *noticed* that `spec.replicas`
 * changed between two of its reads without it (`kubectl scale`, another controller): Kubernetes keeps no
 * timestamp of a scale, so a change is dated when seen (at the next `status()`, one tick later at most), and a
 * change made before this provider's first read is not seen at all (after a restart, cooldowns start afresh).
 *
 * Scale-in is Kubernetes': the Deployment's ReplicaSet picks the pods to delete (unready and newest first,
 * honouring `controller.kubernetes.io/pod-deletion-cost`), each gets SIGTERM and `terminationGracePeriodSeconds`.
 *
 * @example
 * const provider = k8sProvider({ kind: 'Deployment', name: 'warmup-workers', namespace: 'mail' });
 */
export function k8sProvider(options: K8sProviderOptions): K8sProvider {
  const o = parseK8sOptions(options);
  const { kc, namespace: contextNamespace } = loadKubeConfig(o.kubeconfig);
  const namespace = o.namespace ?? contextNamespace;
  const target = scaleTarget(kc, o.kind, { name: o.name, namespace, timeoutMs: o.requestTimeoutMs, fieldManager: o.fieldManager });
  const label = `${typeof o.kind === 'string' ? o.kind : `${o.kind.plural}.${o.kind.group}`} ${namespace}/${o.name}`;
  const emit = (event: K8sProviderEvent) => o.onEvent?.(event);
  const checkHpa = hpaCheck(kc, target, {
    namespace,
    intervalMs: o.hpaCheckIntervalMs,
    timeoutMs: o.requestTimeoutMs,
    logger: o.logger,
    emit,
  });

  let observed: number | undefined; // spec.replicas at our last read or write
  let last: { at: number; direction: ScaleDirection } | undefined;
  let chain: Promise<unknown> = Promise.resolve();

  // A read that finds spec.replicas moved since our last read or write: someone else scaled.
  const observe = (replicas: number) => {
    if (observed !== undefined && replicas !== observed) {
      const direction = replicas > observed ? 'up' : 'down';
      last = { at: Date.now(), direction };
      emit({ type: 'external-scale', from: observed, to: replicas, direction, at: last.at });
      o.logger.info(
        { from: observed, to: replicas },
        `[fleet] [provider-k8s] ${label} was scaled from ${observed} to ${replicas} by someone else`,
      );
    }
    observed = replicas;
  };

  // One scaleTo at a time per provider: parallel calls for the same size then see each other's write.
  const serial = <T>(fn: () => Promise<T>): Promise<T> => {
    const run = chain.then(fn, fn);
    chain = run.catch(() => {});
    return run;
  };

  const write = async (n: number, signal: AbortSignal) => {
    for (let attempt = 1; ; attempt++) {
      const scale = await target.readScale(signal);
      observe(scale.replicas);
      if (scale.replicas === n) return;
      try {
        await target.patchScale(n, scale.resourceVersion, signal);
        last = { at: Date.now(), direction: n > scale.replicas ? 'up' : 'down' };
        observed = n;
        return;
      } catch (error) {
        if (statusOf((error as { cause?: unknown }).cause) !== 409) throw error;
        if (attempt > o.conflictRetries) {
          throw fleetError(SCOPE, 'provider-failed', `scale ${label} to ${n}: still conflicting after ${attempt} attempts (409)`, error);
        }
        emit({ type: 'conflict', attempt, resourceVersion: scale.resourceVersion, target: n });
        o.logger.info({ attempt }, `[fleet] [provider-k8s] ${label} changed while scaling to ${n} (409 Conflict): reading again`);
      }
    }
  };

  return {
    name: `k8s(${label})`,
    capabilities: { scaleToZero: o.min === 0, maxSize: o.max },
    namespace,

    async status(signal) {
      await checkHpa(signal);
      const workload = await target.readWorkload(signal);
      const read = workload ?? (await target.readScale(signal));
      observe(read.replicas);
      // Replicas above the target are on their way out (terminating), not starting.
      const ready = Math.min(workload ? workload.ready : read.current, read.replicas);
      return {
        target: read.replicas,
        ready,
        starting: Math.max(0, Math.min(read.current, read.replicas) - ready),
        ...(last ? { lastScaledAt: last.at, lastScaleDirection: last.direction } : {}),
        ...(workload?.rollout ? { rollout: workload.rollout } : {}),
      };
    },

    scaleTo(n, request: ScaleRequest) {
      try {
        parseWith(z.number().int().min(o.min).max(o.max), n, SCOPE, `scaleTo target (an integer in [${o.min}, ${o.max}])`, 'invalid-input');
      } catch (error) {
        return Promise.reject(error);
      }
      return serial(() => write(n, request.signal));
    },

    async close() {
      await chain;
    },
  };
}
