import { ApiextensionsV1Api, AutoscalingV1Api, CustomObjectsApi } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type K8sProviderEvent, k8sProvider } from '../src/index.js';
import { backends, closeCluster, uniqueNamespace } from './support/backends.js';
import type { TestCluster } from './support/cluster.js';
import { signal, until } from './support/until.js';

for (const backend of backends) {
  describe(`status(), other writers and HPAs (${backend.name})`, () => {
    let cluster: TestCluster;
    const ns = uniqueNamespace('status');
    beforeAll(async () => {
      cluster = await backend.open();
      await cluster.namespace(ns);
    });
    afterAll(() => closeCluster(cluster));

    it('reports a rollout in progress and readiness from the status subresource', async () => {
      await cluster.deployment(ns, 'rolling', 3);
      const provider = k8sProvider({ kind: 'Deployment', name: 'rolling', namespace: ns, kubeconfig: cluster.config('admin') });
      const d = await cluster.apps.readNamespacedDeployment({ name: 'rolling', namespace: ns });
      const status = {
        observedGeneration: d.metadata?.generation,
        replicas: 3,
        readyReplicas: 1,
        updatedReplicas: 2,
        availableReplicas: 1,
      };
      await cluster.apps.replaceNamespacedDeploymentStatus({ name: 'rolling', namespace: ns, body: { ...d, status } });
      const s = await provider.status(signal());
      expect(s).toMatchObject({ target: 3, ready: 1, starting: 2, rollout: '2 of 3 replicas updated' });
    });

    it('a scale by someone else is reported as lastScaledAt with its direction, and as an event', async () => {
      await cluster.deployment(ns, 'external', 2);
      const events: K8sProviderEvent[] = [];
      const provider = k8sProvider({
        kind: 'Deployment',
        name: 'external',
        namespace: ns,
        kubeconfig: cluster.config('admin'),
        onEvent: (e) => events.push(e),
      });
      expect((await provider.status(signal())).lastScaledAt).toBeUndefined(); // nothing seen yet
      const before = Date.now();
      // What `kubectl scale --replicas=5` does, through the admin's own client.
      const scale = await cluster.apps.readNamespacedDeploymentScale({ name: 'external', namespace: ns });
      await cluster.apps.replaceNamespacedDeploymentScale({ name: 'external', namespace: ns, body: { ...scale, spec: { replicas: 5 } } });
      const s = await provider.status(signal());
      expect(s.target).toBe(5);
      expect(s.lastScaleDirection).toBe('up');
      expect(s.lastScaledAt).toBeGreaterThanOrEqual(before);
      expect(events).toContainEqual(expect.objectContaining({ type: 'external-scale', from: 2, to: 5, direction: 'up' }));
    });

    it('warns once when a HorizontalPodAutoscaler targets the same Deployment', async () => {
      await cluster.deployment(ns, 'contested', 1);
      await cluster.admin.makeApiClient(AutoscalingV1Api).createNamespacedHorizontalPodAutoscaler({
        namespace: ns,
        body: {
          metadata: { name: 'cpu' },
          spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'contested' }, minReplicas: 1, maxReplicas: 4 },
        },
      });
      const warnings: string[] = [];
      const events: K8sProviderEvent[] = [];
      const logger = { info() {}, error() {}, warn: (...args: unknown[]) => void warnings.push(String(args[1])) };
      const make = (name: string) =>
        k8sProvider({
          kind: 'Deployment',
          name,
          namespace: ns,
          kubeconfig: cluster.config('admin'),
          logger,
          onEvent: (e) => events.push(e),
        });
      const contested = make('contested');
      await contested.status(signal());
      await contested.status(signal());
      expect(events.filter((e) => e.type === 'hpa')).toEqual([{ type: 'hpa', hpa: 'cpu', namespace: ns }]);
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toMatch(/HorizontalPodAutoscaler "cpu" also scales deployments "contested": two controllers would fight/);
      await make('external').status(signal()); // another Deployment: no warning
      expect(warnings).toHaveLength(1);
    });

    it('scales a custom resource through its /scale subresource', async () => {
      const group = 'fleet.example.com';
      if (!cluster.double) {
        await cluster.admin.makeApiClient(ApiextensionsV1Api).createCustomResourceDefinition({
          body: {
            metadata: { name: `workerpools.${group}` },
            spec: {
              group,
              scope: 'Namespaced',
              names: { plural: 'workerpools', singular: 'workerpool', kind: 'WorkerPool' },
              versions: [
                {
                  name: 'v1',
                  served: true,
                  storage: true,
                  subresources: { scale: { specReplicasPath: '.spec.replicas', statusReplicasPath: '.status.replicas' }, status: {} },
                  schema: {
                    openAPIV3Schema: {
                      type: 'object',
                      properties: {
                        spec: { type: 'object', properties: { replicas: { type: 'integer' } } },
                        status: { type: 'object', properties: { replicas: { type: 'integer' } } },
                      },
                    },
                  },
                },
              ],
            },
          },
        });
      }
      const custom = cluster.admin.makeApiClient(CustomObjectsApi);
      const body = { apiVersion: `${group}/v1`, kind: 'WorkerPool', metadata: { name: 'pool' }, spec: { replicas: 1 } };
      const created = await until(
        () =>
          custom.createNamespacedCustomObject({ group, version: 'v1', namespace: ns, plural: 'workerpools', body }).then(
            () => true,
            () => false,
          ),
        15_000,
      );
      expect(created).toBe(true);
      const kind = { group, version: 'v1', plural: 'workerpools' };
      const provider = k8sProvider({ kind, name: 'pool', namespace: ns, kubeconfig: cluster.config('admin') });
      await provider.scaleTo(4, { reason: 'test', signal: signal() });
      const stored = (await custom.getNamespacedCustomObject({
        group,
        version: 'v1',
        namespace: ns,
        plural: 'workerpools',
        name: 'pool',
      })) as {
        spec: { replicas: number };
      };
      expect(stored.spec.replicas).toBe(4);
      expect((await provider.status(signal())).target).toBe(4);
    });
  });
}
