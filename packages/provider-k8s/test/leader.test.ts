import type { LeaderElector } from '@fleet/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { k8sLeader } from '../src/index.js';
import { backends, closeCluster, uniqueNamespace } from './support/backends.js';
import type { TestCluster } from './support/cluster.js';
import { until } from './support/until.js';

// Short leases so the run takes seconds, not the 60 s: the same rules, with every duration scaled down
// (lease 2 s, campaign every 200 ms = a tenth of it, leader killed twice).
const LEASE_MS = 2_000;
const EVERY_MS = 200;

/** A candidate campaigning in a loop, as an Autoscaler's ticks would; `kill` stops it without resigning (a crash). */
function candidate(elector: LeaderElector, claims: { id: string; from: number; to: number }[]) {
  let alive = true;
  const loop = (async () => {
    while (alive) {
      const from = Date.now();
      // A successful campaign lets this candidate act until the lease it just renewed would expire.
      if (await elector.campaign(AbortSignal.timeout(1_000)).catch(() => false)) claims.push({ id: elector.id, from, to: from + LEASE_MS });
      await new Promise((r) => setTimeout(r, EVERY_MS));
    }
  })();
  return {
    id: elector.id,
    kill: async () => {
      alive = false;
      await loop;
    },
    stop: async () => {
      alive = false;
      await loop;
      await elector.resign();
    },
  };
}

for (const backend of backends) {
  describe(`Lease leader election (${backend.name})`, () => {
    let cluster: TestCluster;
    const ns = uniqueNamespace('lease');
    beforeAll(async () => {
      cluster = await backend.open();
      await cluster.namespace(ns);
      await cluster.grant('elector', ns, [
        { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['get', 'create', 'update'] },
      ]);
    });
    afterAll(() => closeCluster(cluster));

    const make = (id: string, name: string) =>
      k8sLeader({ name, namespace: ns, id, leaseDurationMs: LEASE_MS, kubeconfig: cluster.config('elector') });

    it('three electors: exactly one leader at a time, a new one within the lease after each of two kills', async () => {
      const claims: { id: string; from: number; to: number }[] = [];
      const all = ['a', 'b', 'c'].map((id) => candidate(make(id, 'run'), claims));
      const leaderNow = () => claims.at(-1)?.id;
      expect(await until(() => leaderNow() !== undefined, 5_000)).toBe(true);
      const takeovers: number[] = [];
      for (let kill = 0; kill < 2; kill++) {
        await new Promise((r) => setTimeout(r, 1_500)); // let it lead a while
        const old = all.find((c) => c.id === leaderNow());
        await old?.kill();
        const killedAt = Date.now();
        expect(await until(() => leaderNow() !== old?.id && (claims.at(-1)?.from ?? 0) > killedAt, LEASE_MS * 3)).toBe(true);
        takeovers.push((claims.find((c) => c.id !== old?.id && c.from > killedAt)?.from ?? Infinity) - killedAt);
      }
      await new Promise((r) => setTimeout(r, 1_000));
      for (const c of all) await c.kill();

      // No two candidates ever held a claim at the same time.
      for (const x of claims)
        for (const y of claims)
          if (x.id !== y.id) expect(x.to <= y.from || y.to <= x.from, `${JSON.stringify(x)} overlaps ${JSON.stringify(y)}`).toBe(true);
      expect(new Set(claims.map((c) => c.id)).size).toBe(3); // each led once: two kills, three leaders
      // A new leader comes once the old lease ran out as the others saw it: the lease duration after the last
      // renewal they observed (at most one campaign interval before the kill), plus one campaign interval.
      for (const t of takeovers) expect(t).toBeLessThanOrEqual(LEASE_MS + 2 * EVERY_MS + 300);
    }, 30_000);

    it('a leader that stops gracefully resigns: another takes over at its next campaign, without waiting for expiry', async () => {
      const claims: { id: string; from: number; to: number }[] = [];
      const first = candidate(make('first', 'handover'), claims);
      expect(await until(() => claims.length > 0, 5_000)).toBe(true);
      const second = candidate(make('second', 'handover'), claims);
      await new Promise((r) => setTimeout(r, 500));
      expect(claims.every((c) => c.id === 'first')).toBe(true);
      await first.stop();
      const stoppedAt = Date.now();
      expect(await until(() => claims.at(-1)?.id === 'second', LEASE_MS)).toBe(true);
      expect((claims.at(-1)?.from ?? Infinity) - stoppedAt).toBeLessThan(EVERY_MS + 300);
      await second.stop();
    }, 15_000);
  });
}
