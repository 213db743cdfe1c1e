import assert from 'node:assert/strict';
import type { ClaimedJob, ClaimOptions, ClaimQueue, JobLease } from '../../queue.js';
import { parseClaim } from '../../queue-input.js';
import { type ConformanceTest, claimOne, counts, rejectsWith, W } from './helpers.js';

/**
 * The queue's `completeAndClaim`, or for a queue without one the sequence it stands for (`complete`, then `claim`),
 * so the contract a worker relies on is checked either way.
 */
const fold =
  (q: ClaimQueue) =>
  (job: JobLease, workerId: string, options?: ClaimOptions): Promise<ClaimedJob[]> =>
    q.completeAndClaim
      ? q.completeAndClaim(job, workerId, options)
      : (async () => {
          parseClaim(workerId, options, 'core');
          await q.complete(job);
          return q.claim(workerId, options);
        })();

export const completeAndClaim: Record<string, ConformanceTest> = {
  'completes the job and claims the next ones in order, each under its own fresh lease': async (q) => {
    const before = await counts(q);
    await q.enqueue([1, 2, 3].map((payload) => ({ payload })));
    const first = await claimOne(q);
    await q.enqueue({ payload: 'urgent', priority: 1 });
    const next = await fold(q)(first, W, { max: 2, leaseMs: 60_000 });
    assert.deepEqual(
      next.map((job) => job.payload),
      ['urgent', 2],
    );
    assert.ok(next.every((job) => job.attempt === 1 && job.token.length > 0 && job.leaseUntil > Date.now() + 30_000));
    assert.notEqual(next[0]?.token, next[1]?.token);
    const mid = await counts(q);
    assert.deepEqual([mid.ready, mid.running, mid.completedTotal - before.completedTotal], [1, 2, 1]);
    const [urgent, two] = next as [ClaimedJob, ClaimedJob];
    assert.deepEqual(
      (await fold(q)(urgent, W, { max: 5 })).map((job) => job.payload),
      [3],
    );
    assert.deepEqual(await fold(q)(two, W), [], 'nothing left to claim');
    const after = await counts(q);
    assert.deepEqual([after.ready, after.running, after.completedTotal - before.completedTotal], [0, 1, 3]);
  },
  'a stale or forged lease is refused with lease-lost, and nothing is claimed': async (q) => {
    await q.enqueue([{ payload: 1 }, { payload: 2 }, { payload: 3 }]);
    const [job, other] = await q.claim(W, { max: 2 });
    assert.ok(job && other);
    const forged = { id: job.id, token: other.token };
    const before = await counts(q);
    await rejectsWith(fold(q)(forged, W, { max: 1 }), 'lease-lost', job.id);
    assert.deepEqual(await counts(q), before, 'a refused completeAndClaim completes and claims nothing');
    await q.complete(job);
    await rejectsWith(fold(q)(job, W, { max: 1 }), 'lease-lost', job.id);
    assert.deepEqual((await counts(q)).ready, 1, 'the ready job is still there');
    await q.complete(other);
  },
  'bad claim options are refused, naming the field, before the job is completed': async (q) => {
    await q.enqueue([{ payload: 'running' }, { payload: 'ready' }]);
    const running = await claimOne(q, 60_000);
    const before = await counts(q);
    await rejectsWith(fold(q)(running, W, { max: 0 }), 'invalid-input', 'max');
    await rejectsWith(fold(q)(running, '', {}), 'invalid-input', 'workerId');
    assert.deepEqual(await counts(q), before, 'a refused call changes nothing');
    await q.complete(running);
  },
};
