import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { LeaderElector } from '@fleet/core';
import { MAX_TIMER_MS, parseWith, tooLongForTimer } from '@fleet/core';
import { CoordinationV1Api, type V1Lease, V1MicroTime } from '@kubernetes/client-node';
import { z } from 'zod';
import { callApi, SCOPE, statusOf } from './api-error.js';
import { callOptions } from './call-options.js';
import { type KubeConfigSource, kubeConfigSchema, loadKubeConfig } from './kubeconfig.js';
import { namespaceSchema, objectNameSchema } from './options.js';

const schema = z.strictObject({
  name: objectNameSchema,
  namespace: namespaceSchema.optional(),
  id: z.string().min(1).max(253).optional(),
  leaseDurationMs: z.number().int().min(1_000).max(MAX_TIMER_MS, tooLongForTimer).default(15_000),
  requestTimeoutMs: z.number().int().positive().max(MAX_TIMER_MS, tooLongForTimer).default(5_000),
  kubeconfig: kubeConfigSchema.optional(),
});

/** Options of {@link k8sLeader}. */
export interface K8sLeaderOptions {
  /** The Lease's name: one per group of candidates (`warmup-autoscaler`). */
  name: string;
  /** @default the current context's namespace (in a pod: the service account's), else 'default' */
  namespace?: string;
  /** This candidate's identity, written as the Lease's `holderIdentity`. @default `${hostname()}_${random}` (the pod name in a pod) */
  id?: string;
  /**
   * How long a leader that stops renewing keeps the Lease: the others take over that long after they last saw it
   * renewed. Rounded up to whole seconds in the Lease. Call `campaign` (the Autoscaler's tick) well within it,
   * a third of it or less. @default 15_000
   */
  leaseDurationMs?: number;
  /** Bound on each API call. @default 5_000 */
  requestTimeoutMs?: number;
  /** Where the cluster and credentials come from, as for {@link k8sProvider}. @default client-node's default order */
  kubeconfig?: KubeConfigSource;
}

/**
 * A LeaderElector on a `coordination.k8s.io/v1` Lease, as client-go's leader election does it: `campaign` creates
 * the Lease if there is none, renews it while this candidate holds it, and takes it over once its holder has not
 * renewed for the lease duration; `resign` (on stop) empties `holderIdentity`, so another candidate takes over at
 * its next campaign instead of waiting for expiry. Every write carries the `resourceVersion` it read, so when two
 * candidates try to take an expired Lease at once, one gets 409 Conflict and stays a follower.
 *
 * Expiry is measured on this process's clock from when it *saw* the Lease change, never by comparing `renewTime`
 * with the local time, so clock skew between pods cannot hand out two leaderships. The price: a new leader comes
 * within `leaseDurationMs` plus one campaign interval of the old one's last renewal.
 *
 * Needs `get`, `create` and `update` on `leases` (API group `coordination.k8s.io`) in the namespace.
 *
 * @example
 * const leader = k8sLeader({ name: 'warmup-autoscaler', namespace: 'mail' });
 * new Autoscaler({ provider, policy, metrics, leader });
 */
export function k8sLeader(options: K8sLeaderOptions): LeaderElector {
  const o = parseWith(schema, options, SCOPE, 'k8sLeader() options');
  const { kc, namespace: contextNamespace } = loadKubeConfig(o.kubeconfig);
  const namespace = o.namespace ?? contextNamespace;
  const api = kc.makeApiClient(CoordinationV1Api);
  const id = o.id ?? `${hostname()}_${randomUUID().slice(0, 8)}`;
  const seconds = Math.ceil(o.leaseDurationMs / 1000);
  const perm = (verb: 'get' | 'create' | 'update') => ({ verb, resource: 'leases', group: 'coordination.k8s.io', namespace, name: o.name });
  let seen: { record: string; at: number } | undefined;

  const spec = (lease: V1Lease | undefined, holder: string) => {
    const now = new V1MicroTime(Date.now());
    const taking = lease?.spec?.holderIdentity !== holder;
    return {
      holderIdentity: holder,
      leaseDurationSeconds: seconds,
      renewTime: now,
      acquireTime: taking ? now : lease?.spec?.acquireTime,
      leaseTransitions: (lease?.spec?.leaseTransitions ?? 0) + (taking && lease ? 1 : 0),
    };
  };

  // A write that loses a race (409: someone wrote since our read; on create: someone created it first) is not an error.
  const tryWrite = async (fn: () => Promise<unknown>) => {
    try {
      await fn();
      return true;
    } catch (error) {
      if (statusOf((error as { cause?: unknown }).cause) === 409) return false;
      throw error;
    }
  };

  const read = async (signal: AbortSignal) => {
    try {
      return await callApi(`read Lease ${namespace}/${o.name}`, perm('get'), () =>
        api.readNamespacedLease({ name: o.name, namespace }, callOptions(signal, o.requestTimeoutMs)),
      );
    } catch (error) {
      if (statusOf((error as { cause?: unknown }).cause) === 404) return undefined;
      throw error;
    }
  };

  const replace = (lease: V1Lease, holder: string, signal: AbortSignal) =>
    tryWrite(() =>
      callApi(`update Lease ${namespace}/${o.name}`, perm('update'), () =>
        api.replaceNamespacedLease(
          { name: o.name, namespace, body: { ...lease, spec: spec(lease, holder) } },
          callOptions(signal, o.requestTimeoutMs),
        ),
      ),
    );

  return {
    id,
    async campaign(signal) {
      const lease = await read(signal);
      if (!lease) {
        const body = { metadata: { name: o.name, namespace }, spec: spec(undefined, id) };
        return tryWrite(() =>
          callApi(`create Lease ${namespace}/${o.name}`, perm('create'), () =>
            api.createNamespacedLease({ namespace, body }, callOptions(signal, o.requestTimeoutMs)),
          ),
        );
      }
      const s = lease.spec ?? {};
      const record = `${s.holderIdentity}|${s.renewTime?.valueOf()}|${s.leaseTransitions}`;
      if (seen?.record !== record) seen = { record, at: Date.now() };
      if (s.holderIdentity === id) return replace(lease, id, signal);
      const duration = (s.leaseDurationSeconds ?? seconds) * 1000;
      if (s.holderIdentity && Date.now() < seen.at + duration) return false;
      return replace(lease, id, signal);
    },
    async resign() {
      const signal = AbortSignal.timeout(o.requestTimeoutMs);
      const lease = await read(signal);
      if (lease?.spec?.holderIdentity !== id) return;
      await replace({ ...lease, spec: { ...lease.spec, holderIdentity: undefined } }, '', signal);
    },
  };
}
