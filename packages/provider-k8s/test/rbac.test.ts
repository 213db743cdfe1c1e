import { isFleetError } from '@fleet/core';
import { AppsV1Api, CoreV1Api } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { k8sProvider } from '../src/index.js';
import { backends, closeCluster, uniqueNamespace } from './support/backends.js';
import { kubeConfigOf, type TestCluster } from './support/cluster.js';
import { signal } from './support/until.js';

// The Role of the README, for the provider alone (leader election has its own test).
const scalerRole = [
  { apiGroups: ['apps'], resources: ['deployments/scale'], verbs: ['get', 'patch'] },
  { apiGroups: ['apps'], resources: ['deployments'], verbs: ['get'] },
];

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
