import { AppsV1Api, CustomObjectsApi, type KubeConfig, type V1Deployment, type V1StatefulSet } from '@kubernetes/client-node';
import { callApi, type Permission } from './api-error.js';
import { callOptions } from './call-options.js';
import type { CustomScaleKind, ScaleKind } from './options.js';

/** The object's replicas as its `/scale` subresource reports them. */
export interface ScaleRead {
  /** `spec.replicas`: what is asked for. */
  replicas: number;
  /** `status.replicas`: what its controller counts (for custom resources, the only count there is). */
  current: number;
  /** The version the next write must carry, so a write made in between is detected (409). */
  resourceVersion: string;
}

/** A workload's own view: readiness and rollout progress (Deployment, StatefulSet). */
export interface WorkloadRead {
  replicas: number;
  ready: number;
  current: number;
  /** Why a rollout is still in progress, if it is. */
  rollout?: string;
}

/** One kind's calls: read and patch `/scale`, read readiness. */
export interface ScaleTarget {
  /** `deployments`, `statefulsets` or the custom plural. */
  readonly resource: string;
  readonly group: string;
  /** Whether an HPA's `scaleTargetRef` points at this object. */
  matches(ref: { apiVersion?: string; kind: string; name: string }): boolean;
  readScale(signal: AbortSignal): Promise<ScaleRead>;
  /** Merge-patches `spec.replicas` with `metadata.resourceVersion` as a precondition: 409 if it moved. */
  patchScale(replicas: number, resourceVersion: string, signal: AbortSignal): Promise<void>;
  /** Readiness from the workload itself; `undefined` for custom resources (the scale status is all there is). */
  readWorkload(signal: AbortSignal): Promise<WorkloadRead | undefined>;
}

interface Target {
  name: string;
  namespace: string;
  timeoutMs: number;
  fieldManager: string;
}

const scaleOf = (s: { spec?: { replicas?: number }; status?: { replicas?: number }; metadata?: { resourceVersion?: string } }) => ({
  replicas: s.spec?.replicas ?? 0,
  current: s.status?.replicas ?? 0,
  resourceVersion: s.metadata?.resourceVersion ?? '',
});

/** The {@link ScaleTarget} for a kind. */
export function scaleTarget(kc: KubeConfig, kind: ScaleKind, t: Target): ScaleTarget {
  return typeof kind === 'string' ? appsTarget(kc, kind, t) : customTarget(kc, kind, t);
}

function appsTarget(kc: KubeConfig, kind: 'Deployment' | 'StatefulSet', t: Target): ScaleTarget {
  const apps = kc.makeApiClient(AppsV1Api);
  const resource = kind === 'Deployment' ? 'deployments' : 'statefulsets';
  const perm = (verb: Permission['verb'], sub = '') => ({
    verb,
    resource: resource + sub,
    group: 'apps',
    namespace: t.namespace,
    name: t.name,
  });
  const req = { name: t.name, namespace: t.namespace };
  return {
    resource,
    group: 'apps',
    matches: (ref) => ref.kind === kind && ref.name === t.name && (ref.apiVersion ?? 'apps/v1').startsWith('apps/'),
    readScale: (signal) =>
      callApi(`read ${kind} ${t.namespace}/${t.name} scale`, perm('get', '/scale'), async () => {
        const o = callOptions(signal, t.timeoutMs);
        return scaleOf(
          kind === 'Deployment' ? await apps.readNamespacedDeploymentScale(req, o) : await apps.readNamespacedStatefulSetScale(req, o),
        );
      }),
    patchScale: (replicas, resourceVersion, signal) =>
      callApi(`scale ${kind} ${t.namespace}/${t.name} to ${replicas}`, perm('patch', '/scale'), async () => {
        const body = { metadata: { resourceVersion }, spec: { replicas } };
        const p = { ...req, body, fieldManager: t.fieldManager };
        const o = callOptions(signal, t.timeoutMs, true);
        if (kind === 'Deployment') await apps.patchNamespacedDeploymentScale(p, o);
        else await apps.patchNamespacedStatefulSetScale(p, o);
      }),
    readWorkload: (signal) =>
      callApi(`read ${kind} ${t.namespace}/${t.name}`, perm('get'), async () => {
        const o = callOptions(signal, t.timeoutMs);
        return kind === 'Deployment'
          ? deploymentRead(await apps.readNamespacedDeployment(req, o))
          : statefulSetRead(await apps.readNamespacedStatefulSet(req, o));
      }),
  };
}

// The checks `kubectl rollout status` makes, in its order.
function deploymentRead(d: V1Deployment): WorkloadRead {
  const replicas = d.spec?.replicas ?? 1;
  const s = d.status ?? {};
  const updated = s.updatedReplicas ?? 0;
  const rollout =
    (d.metadata?.generation ?? 0) > (s.observedGeneration ?? 0)
      ? 'the controller has not seen the latest spec yet'
      : updated < replicas
        ? `${updated} of ${replicas} replicas updated`
        : (s.replicas ?? 0) > updated
          ? `${(s.replicas ?? 0) - updated} old replicas pending termination`
          : (s.availableReplicas ?? 0) < updated
            ? `${s.availableReplicas ?? 0} of ${updated} updated replicas available`
            : undefined;
  return { replicas, ready: s.readyReplicas ?? 0, current: s.replicas ?? 0, ...(rollout ? { rollout } : {}) };
}

function statefulSetRead(d: V1StatefulSet): WorkloadRead {
  const replicas = d.spec?.replicas ?? 1;
  const s = d.status ?? { replicas: 0 };
  const rollout =
    (d.metadata?.generation ?? 0) > (s.observedGeneration ?? 0)
      ? 'the controller has not seen the latest spec yet'
      : s.updateRevision && s.currentRevision !== s.updateRevision
        ? `${s.updatedReplicas ?? 0} of ${replicas} replicas on revision ${s.updateRevision}`
        : undefined;
  return { replicas, ready: s.readyReplicas ?? 0, current: s.replicas ?? 0, ...(rollout ? { rollout } : {}) };
}

function customTarget(kc: KubeConfig, kind: CustomScaleKind, t: Target): ScaleTarget {
  const api = kc.makeApiClient(CustomObjectsApi);
  const base = { group: kind.group, version: kind.version, plural: kind.plural, namespace: t.namespace, name: t.name };
  const perm = (verb: Permission['verb']) => ({
    verb,
    resource: `${kind.plural}/scale`,
    group: kind.group,
    namespace: t.namespace,
    name: t.name,
  });
  const label = `${kind.plural}.${kind.group} ${t.namespace}/${t.name}`;
  return {
    resource: kind.plural,
    group: kind.group,
    // An HPA names the kind (WorkerPool), which the plural does not tell: match on group and name.
    matches: (ref) => ref.name === t.name && (ref.apiVersion ?? '').split('/')[0] === kind.group,
    readScale: (signal) =>
      callApi(`read ${label} scale`, perm('get'), async () =>
        scaleOf(await api.getNamespacedCustomObjectScale(base, callOptions(signal, t.timeoutMs))),
      ),
    patchScale: (replicas, resourceVersion, signal) =>
      callApi(`scale ${label} to ${replicas}`, perm('patch'), async () => {
        const body = { metadata: { resourceVersion }, spec: { replicas } };
        await api.patchNamespacedCustomObjectScale({ ...base, body, fieldManager: t.fieldManager }, callOptions(signal, t.timeoutMs, true));
      }),
    readWorkload: async () => undefined,
  };
}
