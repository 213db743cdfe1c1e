import { KubeConfig, type RequestContext } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ExplicitCluster, type K8sProviderEvent, k8sProvider } from '../src/index.js';
import { backends, closeCluster, uniqueNamespace } from './support/backends.js';
import { kubeConfigOf, type TestCluster } from './support/cluster.js';
import { signal } from './support/until.js';

/**
 * A KubeConfig that holds the first PATCH of `/scale` of each of `parties` clients until all of them are about
 * to send one: by then every party has read the scale object, so they all write from the same resourceVersion.
 * (client-node asks the KubeConfig to authenticate each request just before sending it.)
 */
function gatedConfigs(c: ExplicitCluster, parties: number): KubeConfig[] {
  let arrived = 0;
  let open!: () => void;
  const gate = new Promise<void>((resolve) => (open = resolve));
  return Array.from({ length: parties }, () => {
    let held = false;
    const kc = new (class extends KubeConfig {
      override async applySecurityAuthentication(context: RequestContext) {
        if (!held && context.getHttpMethod() === 'PATCH' && context.getUrl().includes('/scale')) {
          held = true;
          if (++arrived === parties) open();
          await gate;
        }
        return super.applySecurityAuthentication(context);
      }
    })();
    return kubeConfigOf(c, kc);
  });
}

for (const backend of backends) {
  describe(`two providers racing from the same resourceVersion (${backend.name})`, () => {
    let cluster: TestCluster;
    const ns = uniqueNamespace('race');
    beforeAll(async () => {
      cluster = await backend.open();
      await cluster.namespace(ns);
      await cluster.deployment(ns, 'workers', 2);
    });
    afterAll(() => closeCluster(cluster));

    it('one gets 409, reads again and retries; both finish; the last write that landed wins; nothing escapes', async () => {
      const [kcA, kcB] = gatedConfigs(cluster.config('admin'), 2);
      const events: (K8sProviderEvent & { who: string })[] = [];
      const make = (who: string, kubeconfig: KubeConfig | undefined) =>
        k8sProvider({ kind: 'Deployment', name: 'workers', namespace: ns, kubeconfig, onEvent: (e) => events.push({ ...e, who }) });
      const a = make('a', kcA);
      const b = make('b', kcB);
      const targets: Record<string, number> = { a: 4, b: 6 };

      const results = await Promise.allSettled([
        a.scaleTo(targets.a as number, { reason: 'a', signal: signal() }),
        b.scaleTo(targets.b as number, { reason: 'b', signal: signal() }),
      ]);
      expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled']);

      const conflicts = events.filter((e) => e.type === 'conflict');
      expect(conflicts).toHaveLength(1);
      const loser = conflicts[0]?.who as string;
      // The loser's retry is the write that landed last.
      const d = await cluster.apps.readNamespacedDeployment({ name: 'workers', namespace: ns });
      expect(d.spec?.replicas).toBe(targets[loser]);
      if (cluster.double) {
        // The API's own request log: two PATCHes from the same version, one refused 409, then the retry.
        const patches = cluster.double.log.filter((r) => r.method === 'PATCH' && r.path.endsWith('/workers/scale'));
        expect(patches.map((p) => p.code).sort()).toEqual([200, 200, 409]);
      }
      // The winner notices the loser's later write as a change made by someone else.
      const winner = loser === 'a' ? b : a;
      const status = await winner.status(signal());
      expect(status.target).toBe(targets[loser]);
      expect(events.some((e) => e.type === 'external-scale' && e.who !== loser && e.to === targets[loser])).toBe(true);
    });
  });
}
