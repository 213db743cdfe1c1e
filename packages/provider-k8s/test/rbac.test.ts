import { readFileSync } from 'node:fs';
import { isFleetError } from '@fleet/core';
import { AppsV1Api, CoordinationV1Api, CoreV1Api, loadAllYaml, type V1Role } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { k8sLeader, k8sProvider } from '../src/index.js';
import { backends, closeCluster, uniqueNamespace } from './support/backends.js';
import { kubeConfigOf, type TestCluster } from './support/cluster.js';
import { signal } from './support/until.js';

// The Role of the README, for the provider alone (leader election has its own test).
const scalerRole = [
  { apiGroups: ['apps'], resources: ['deployments/scale'], verbs: ['get', 'patch'] },
  { apiGroups: ['apps'], resources: ['deployments'], verbs: ['get'] },
];

// The Lease rules exactly as the README's Role writes them, read from the README itself.
const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const roleYaml = /## RBAC: a least-privilege Role\n+```yaml\n([\s\S]*?)\n```/.exec(readme)?.[1] ?? '';
const readmeRole = (loadAllYaml(roleYaml) as { kind?: string }[]).find((doc) => doc.kind === 'Role') as V1Role | undefined;
const leaseRules = (readmeRole?.rules ?? []).filter((r) => r.apiGroups?.includes('coordination.k8s.io'));
// The elector's Lease is the one the README's example elects on: k8sLeader({ name: 'warmup-autoscaler', … }).
const LEASE = 'warmup-autoscaler';

const rejection = async (p: Promise<unknown>) =>
  p.then(
    () => undefined,
    (e: unknown) => e as Error & { code?: unknown; cause?: unknown },
  );

for (const backend of backends) {
  describe(`least privilege (${backend.name})`, () => {
    let cluster: TestCluster;
    const ns = uniqueNamespace('rbac');
    const elsewhere = uniqueNamespace('elsewhere');
    beforeAll(async () => {
      cluster = await backend.open();
      await cluster.namespace(ns);
      await cluster.namespace(elsewhere);
      await cluster.deployment(ns, 'workers', 1);
      await cluster.deployment(elsewhere, 'workers', 1);
      await cluster.grant('scaler', ns, scalerRole);
      await cluster.grant('reader', ns, [{ apiGroups: ['apps'], resources: ['deployments/scale', 'deployments'], verbs: ['get'] }]);
    });
    afterAll(() => closeCluster(cluster));

    it("scales with the Role's token, as a separate admin client sees", async () => {
      const provider = k8sProvider({ kind: 'Deployment', name: 'workers', namespace: ns, kubeconfig: cluster.config('scaler') });
      await provider.scaleTo(3, { reason: 'test', signal: signal() });
      const d = await cluster.apps.readNamespacedDeployment({ name: 'workers', namespace: ns });
      expect(d.spec?.replicas).toBe(3);
      expect((await provider.status(signal())).target).toBe(3);
    });

    it('anything else is refused 403: deleting the Deployment, listing pods in another namespace', async () => {
      const kc = kubeConfigOf(cluster.config('scaler'));
      const del = await rejection(kc.makeApiClient(AppsV1Api).deleteNamespacedDeployment({ name: 'workers', namespace: ns }));
      expect(del?.code).toBe(403);
      const pods = await rejection(kc.makeApiClient(CoreV1Api).listNamespacedPod({ namespace: elsewhere }));
      expect(pods?.code).toBe(403);
      expect((await cluster.apps.readNamespacedDeployment({ name: 'workers', namespace: ns })).metadata?.name).toBe('workers');
    });

    it('a provider pointed outside its Role fails with an error naming the missing permission', async () => {
      const provider = k8sProvider({ kind: 'Deployment', name: 'workers', namespace: elsewhere, kubeconfig: cluster.config('scaler') });
      const error = await rejection(provider.scaleTo(2, { reason: 'test', signal: signal() }));
      expect(isFleetError(error, 'provider-failed')).toBe(true);
      expect(error?.message).toMatch(/^\[fleet\] \[provider-k8s\] /);
      expect(error?.message).toContain(
        `missing permission to get deployments/scale (API group "apps") "workers" in namespace "${elsewhere}"`,
      );
      expect((await cluster.apps.readNamespacedDeployment({ name: 'workers', namespace: elsewhere })).spec?.replicas).toBe(1);
    });

    it('a read-only Role: scaleTo names the missing patch on deployments/scale and changes nothing', async () => {
      const provider = k8sProvider({ kind: 'Deployment', name: 'workers', namespace: ns, kubeconfig: cluster.config('reader') });
      const before = (await provider.status(signal())).target;
      const error = await rejection(provider.scaleTo(before + 1, { reason: 'test', signal: signal() }));
      expect(error?.message).toContain(`missing permission to patch deployments/scale (API group "apps") "workers" in namespace "${ns}"`);
      expect(error?.message).toContain('cannot patch resource "deployments/scale"'); // the API server's own words
      expect((await provider.status(signal())).target).toBe(before);
    });
  });
}

for (const backend of backends) {
  describe(`the README's Lease rules (${backend.name})`, () => {
    let cluster: TestCluster;
    const ns = uniqueNamespace('rbac-lease');
    beforeAll(async () => {
      cluster = await backend.open();
      await cluster.namespace(ns);
      await cluster.grant(
        'elector',
        ns,
        leaseRules.map((r) => ({
          apiGroups: r.apiGroups ?? [],
          resources: r.resources ?? [],
          verbs: r.verbs,
          ...(r.resourceNames ? { resourceNames: r.resourceNames } : {}),
        })),
      );
      // Someone else's Lease in the same namespace (another controller's leader election).
      const admin = kubeConfigOf(cluster.config('admin')).makeApiClient(CoordinationV1Api);
      await admin.createNamespacedLease({
        namespace: ns,
        body: { metadata: { name: 'other-controller' }, spec: { holderIdentity: 'them' } },
      });
    });
    afterAll(() => closeCluster(cluster));

    it('let the elector create, renew and hand back its own Lease, as an admin client sees', async () => {
      expect(leaseRules.length).toBeGreaterThan(0);
      const admin = kubeConfigOf(cluster.config('admin')).makeApiClient(CoordinationV1Api);
      const elector = k8sLeader({ name: LEASE, namespace: ns, kubeconfig: cluster.config('elector') });
      expect(await elector.campaign(signal())).toBe(true); // create
      const created = await admin.readNamespacedLease({ name: LEASE, namespace: ns });
      expect(created.spec?.holderIdentity).toBe(elector.id);
      expect(await elector.campaign(signal())).toBe(true); // get, then update
      const renewed = await admin.readNamespacedLease({ name: LEASE, namespace: ns });
      expect(renewed.metadata?.resourceVersion).not.toBe(created.metadata?.resourceVersion);
      expect(renewed.spec?.holderIdentity).toBe(elector.id);
      await elector.resign();
      expect((await admin.readNamespacedLease({ name: LEASE, namespace: ns })).spec?.holderIdentity).toBeFalsy();
    });

    it("refuse 403 another Lease's update and read, and deleting any Lease; the other Lease is unchanged", async () => {
      const admin = kubeConfigOf(cluster.config('admin')).makeApiClient(CoordinationV1Api);
      const mine = kubeConfigOf(cluster.config('elector')).makeApiClient(CoordinationV1Api);
      const before = await admin.readNamespacedLease({ name: 'other-controller', namespace: ns });
      const takeover = { ...before, spec: { ...before.spec, holderIdentity: 'the-elector' } };
      expect((await rejection(mine.replaceNamespacedLease({ name: 'other-controller', namespace: ns, body: takeover })))?.code).toBe(403);
      expect((await rejection(mine.readNamespacedLease({ name: 'other-controller', namespace: ns })))?.code).toBe(403);
      expect((await rejection(mine.deleteNamespacedLease({ name: 'other-controller', namespace: ns })))?.code).toBe(403);
      expect((await rejection(mine.deleteNamespacedLease({ name: LEASE, namespace: ns })))?.code).toBe(403);
      // An elector pointed at the other Lease cannot take it over either.
      const intruder = k8sLeader({ name: 'other-controller', namespace: ns, kubeconfig: cluster.config('elector') });
      const error = await rejection(intruder.campaign(signal()));
      expect(isFleetError(error, 'provider-failed')).toBe(true);
      expect(error?.message).toContain('missing permission to get leases (API group "coordination.k8s.io") "other-controller"');
      const after = await admin.readNamespacedLease({ name: 'other-controller', namespace: ns });
      expect(after.metadata?.resourceVersion).toBe(before.metadata?.resourceVersion);
      expect(after.spec?.holderIdentity).toBe('them');
    });
  });
}
