import { providerConformance } from '@fleet/core/testing';
import { afterAll, afterEach, beforeAll, describe, it } from 'vitest';
import { type K8sProvider, k8sProvider } from '../src/index.js';
import { backends, closeCluster, uniqueNamespace } from './support/backends.js';
import type { TestCluster } from './support/cluster.js';
import { readinessStandIn } from './support/readiness.js';

for (const backend of backends) {
  describe(backend.name, () => {
    let cluster: TestCluster;
    let standIn: { stop(): Promise<void> };
    const namespace = uniqueNamespace('conformance');
    let seq = 0;
    beforeAll(async () => {
      cluster = await backend.open();
      await cluster.namespace(namespace);
      standIn = readinessStandIn(cluster.apps, namespace, 50);
    });
    afterAll(async () => {
      await standIn?.stop();
      await closeCluster(cluster);
    });

    const names = new WeakMap<K8sProvider, string>();
    providerConformance<K8sProvider>(
      {
        name: `k8sProvider (Deployment, ${backend.name})`,
        create: async () => {
          const name = `conf-${++seq}`;
          await cluster.deployment(namespace, name, 1);
          const provider = k8sProvider({ kind: 'Deployment', name, namespace, kubeconfig: cluster.config('admin'), max: 5 });
          names.set(provider, name);
          return provider;
        },
        // The Deployment as the API server stores it, read by the test's own admin client.
        inspect: async (provider) => {
          const d = await cluster.apps.readNamespacedDeployment({ name: names.get(provider) ?? '', namespace });
          // Without a kubelet no pod runs: status.replicas is what the readiness stand-in wrote.
          return { running: d.status?.replicas ?? 0 };
        },
        cleanup: async (provider) => {
          await cluster.apps.deleteNamespacedDeployment({ name: names.get(provider) ?? '', namespace });
        },
        settleMs: backend.name === 'API double' ? 400 : 1_000,
        clockSkewMs: 0,
      },
      { describe, it, afterEach },
    );
  });
}
