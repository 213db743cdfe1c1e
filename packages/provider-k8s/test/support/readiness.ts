// The stand-in for the kubelet and the deployment controller, which these tests do not run: it writes each
// Deployment's status subresource (as the admin) so that its replicas are all ready as soon as they are asked for.
import type { AppsV1Api } from '@kubernetes/client-node';

/** Marks the Deployments of `namespace` ready every `everyMs` until stopped. */
export function readinessStandIn(apps: AppsV1Api, namespace: string, everyMs = 100): { stop(): Promise<void> } {
  let running = true;
  const loop = (async () => {
    while (running) {
      try {
        const { items } = await apps.listNamespacedDeployment({ namespace });
        for (const d of items) {
          const n = d.spec?.replicas ?? 1;
          const s = d.status;
          if (s?.readyReplicas === n && s.replicas === n && s.observedGeneration === d.metadata?.generation) continue;
          const status = {
            observedGeneration: d.metadata?.generation,
            replicas: n,
            readyReplicas: n,
            updatedReplicas: n,
            availableReplicas: n,
          };
          // A 409 (the provider scaled in between) is retried on the next round.
          await apps.replaceNamespacedDeploymentStatus({ name: d.metadata?.name ?? '', namespace, body: { ...d, status } }).catch(() => {});
        }
      } catch {
        // API server down (the failure test): try again.
      }
      await new Promise((r) => setTimeout(r, everyMs));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
    },
  };
}
