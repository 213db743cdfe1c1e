import assert from 'node:assert/strict';
import { type ConformanceTest, claimOne, counts, rejectsWith, sleep, sleepPast, W } from './helpers.js';

export const leases: Record<string, ConformanceTest> = {
  'complete removes the job': async (q) => {
    const before = await counts(q);
    await q.enqueue({ payload: 1 });
    await q.complete(await claimOne(q));
    assert.deepEqual(await q.claim(W), []);
    const after = await counts(q);
    assert.deepEqual([after.ready, after.delayed, after.running, after.dead], [0, 0, 0, 0]);
    assert.equal(after.completedTotal - before.completedTotal, 1);
  },
  'a second complete is refused with lease-lost naming the job': async (q) => {
    await q.enqueue({ payload: 1 });
    const job = await claimOne(q);
    await q.complete(job);
    await rejectsWith(q.complete(job), 'lease-lost', job.id);
    await rejectsWith(q.fail(job, new Error('late')), 'lease-lost', job.id);
    await rejectsWith(q.extend(job, 1_000), 'lease-lost', job.id);
  },
  "another lease's token is refused and the holder keeps the job": async (q) => {
    await q.enqueue([{ payload: 1 }, { payload: 2 }]);
    const [job, other] = await q.claim(W, { max: 2 });
    assert.ok(job && other);
    // A well-formed token of the right kind, so a backend that types its tokens refuses it for the right reason.
    const forged = { id: job.id, token: other.token };
    await rejectsWith(q.complete(forged), 'lease-lost', job.id);
    await rejectsWith(q.fail(forged, new Error('x')), 'lease-lost', job.id);
    await rejectsWith(q.extend(forged, 60_000), 'lease-lost', job.id);
    assert.equal((await counts(q)).running, 2);
    await q.complete(job);
    await q.complete(other);
  },
  'after its lease expires another worker gets the job with attempt 2 and the old holder is refused': async (q, { leaseMs }) => {
    const before = await counts(q);
    await q.enqueue({ payload: 'slow' });
    const stale = await claimOne(q, leaseMs, 'worker-a');
    await sleepPast(leaseMs);
    const fresh = await claimOne(q, 30_000, 'worker-b');
    assert.equal(fresh.id, stale.id);
    assert.equal(fresh.attempt, 2);
    assert.equal(fresh.payload, 'slow');
    assert.notEqual(fresh.token, stale.token);
    await rejectsWith(q.complete(stale), 'lease-lost', stale.id);
    await rejectsWith(q.extend(stale, 60_000), 'lease-lost', stale.id);
    await rejectsWith(q.fail(stale, new Error('late')), 'lease-lost', stale.id);
    await q.complete(fresh);
    const after = await counts(q);
    assert.equal(after.redeliveredTotal - before.redeliveredTotal, 1, 'the second run counts as a redelivery');
    assert.equal(after.completedTotal - before.completedTotal, 1);
  },
  'extend prolongs the lease so the job is not taken back': async (q, { leaseMs }) => {
    await q.enqueue({ payload: 'long' });
    const job = await claimOne(q, leaseMs, 'worker-a');
    await sleep(Math.ceil(leaseMs / 2));
    const until = await q.extend(job, leaseMs * 4);
    assert.ok(until > job.leaseUntil, `extend should move leaseUntil (${job.leaseUntil}) later, got ${until}`);
    await sleepPast(leaseMs);
    assert.deepEqual(await q.claim('worker-b'), [], 'an extended lease is not taken back');
    await q.complete(job);
  },
};

export const retries: Record<string, ConformanceTest> = {
  'a failed job is retried with the next attempt': async (q) => {
    await q.enqueue({ payload: { n: 1 }, maxAttempts: 3 });
    const first = await claimOne(q);
    await q.fail(first, new Error('boom'), { retryInMs: 0 });
    const second = await claimOne(q);
    assert.equal(second.id, first.id);
    assert.equal(second.attempt, 2);
    assert.deepEqual(second.payload, { n: 1 });
    assert.notEqual(second.token, first.token);
    await q.complete(second);
  },
  'retryInMs delays the retry': async (q) => {
    await q.enqueue({ payload: 1 });
    await q.fail(await claimOne(q), 'not yet', { retryInMs: 60_000 });
    assert.deepEqual(await q.claim(W), []);
    const stats = await counts(q);
    assert.deepEqual([stats.ready, stats.delayed, stats.running], [0, 1, 0]);
  },
  'a fail without retryInMs keeps the job for a retry': async (q) => {
    await q.enqueue({ payload: 1, maxAttempts: 2 });
    await q.fail(await claimOne(q), new Error('boom'));
    const stats = await counts(q);
    assert.deepEqual([stats.ready + stats.delayed, stats.running, stats.dead], [1, 0, 0]);
  },
  'after maxAttempts the job is dead, and counted': async (q) => {
    const before = await counts(q);
    await q.enqueue({ payload: 1, maxAttempts: 2 });
    await q.fail(await claimOne(q), new Error('one'), { retryInMs: 0 });
    const last = await claimOne(q);
    assert.equal(last.attempt, 2);
    await q.fail(last, new Error('two'), { retryInMs: 0 });
    assert.deepEqual(await q.claim(W), []);
    const after = await counts(q);
    assert.deepEqual([after.ready, after.delayed, after.running, after.dead - before.dead], [0, 0, 0, 1]);
    assert.equal(after.completedTotal, before.completedTotal);
  },
  'a lease that expires on the last attempt makes the job dead, not lost': async (q, { leaseMs }) => {
    const before = await counts(q);
    await q.enqueue({ payload: 1, maxAttempts: 1 });
    await claimOne(q, leaseMs);
    await sleepPast(leaseMs);
    assert.deepEqual(await q.claim(W), []);
    const after = await counts(q);
    assert.deepEqual([after.ready, after.running, after.dead - before.dead], [0, 0, 1]);
  },
};
