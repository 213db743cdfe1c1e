import type { ChildProcess } from 'node:child_process';
import { Autoscaler, type ErrorPhase } from '@fleet/core';
import { fixedMetric, followMetric } from '@fleet/core/testing';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type ExplicitCluster, k8sProvider } from '../src/index.js';
import { backends, closeCluster, uniqueNamespace } from './support/backends.js';
import type { TestCluster } from './support/cluster.js';
import { freePort, keepStderr, startApiServer, stopProcess, waitReady } from './support/kube-process.js';
import { until } from './support/until.js';

/**
 * An API server the test may stop and start again: on the real backend a second kube-apiserver on the same etcd
 * and certificates (the shared one keeps serving the other files), on the double the double itself.
 */
async function stoppable(cluster: TestCluster): Promise<{ config: ExplicitCluster; stop(): Promise<void>; start(): Promise<void> }> {
  const double = cluster.double;
  if (double) return { config: cluster.config('admin'), stop: () => double.stop(), start: async () => void (await double.start()) };
  const info = inject('kube');
  if (!info) throw new Error('no real API server');
  const port = await freePort();
  const server = `https://127.0.0.1:${port}`;
  let child: ChildProcess | undefined;
  const start = async () => {
    child = keepStderr(startApiServer(info.binary, info.dir, info.etcd, port));
    await waitReady(server, info.caData, info.tokens.admin, 90_000, child);
  };
  await start();
  return { config: { server, token: info.tokens.admin, caData: info.caData }, stop: () => stopProcess(child), start };
}

for (const backend of backends) {
  describe(`the API server stopped under the Autoscaler (${backend.name})`, () => {
    let cluster: TestCluster;
    const ns = uniqueNamespace('failure');
    beforeAll(async () => {
      cluster = await backend.open();
      await cluster.namespace(ns);
      await cluster.deployment(ns, 'workers', 1);
    });
    afterAll(() => closeCluster(cluster));

    it("reports error events with phase 'provider', keeps ticking, and scales once the server is back", async () => {
      const api = await stoppable(cluster);
      const provider = k8sProvider({ kind: 'Deployment', name: 'workers', namespace: ns, kubeconfig: api.config, requestTimeoutMs: 2_000 });
      const desired = fixedMetric({ desired: 1 });
      const scaler = new Autoscaler({
        metrics: desired,
        provider,
        policy: followMetric(),
        min: 1,
        max: 5,
        intervalMs: 300,
        cooldown: { up: 0, down: 0 },
      });
      const errors: { phase: ErrorPhase; message: string }[] = [];
      let ticks = 0;
      scaler.on('error', ({ phase, error }) => errors.push({ phase, message: error.message }));
      scaler.on('tick', () => ticks++);
      scaler.start();
      const replicas = async () => (await cluster.apps.readNamespacedDeployment({ name: 'workers', namespace: ns })).spec?.replicas;
      try {
        expect(await until(() => ticks >= 2, 5_000)).toBe(true);

        await api.stop();
        desired.set({ desired: 3 });
        const ticksAtStop = ticks;
        expect(await until(() => errors.filter((e) => e.phase === 'provider').length >= 2, 15_000)).toBe(true);
        expect(errors.find((e) => e.phase === 'provider')?.message).toMatch(/^\[fleet\] \[provider-k8s\] .*did not answer/);
        expect(await until(() => ticks >= ticksAtStop + 3, 10_000)).toBe(true); // the loop goes on
        // Nothing changed meanwhile (read past the stopped server: the double's store, or the shared real server).
        const stored = cluster.double?.store.get(`apps/deployments/${ns}/workers`, 'workers').spec as { replicas?: number } | undefined;
        expect(stored ? stored.replicas : await replicas()).toBe(1);

        await api.start();
        expect(await until(async () => (await replicas()) === 3, 20_000)).toBe(true);
      } finally {
        await scaler.stop();
        await provider.close();
        if (!cluster.double) await api.stop();
      }
    }, 120_000);
  });
}
