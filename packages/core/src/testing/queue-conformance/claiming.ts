import assert from 'node:assert/strict';
import { type ConformanceTest, claimOne, counts, drainPayloads, sleep, W } from './helpers.js';

export const enqueueClaim: Record<string, ConformanceTest> = {
  'enqueue returns one id per job, in order': async (q) => {
    const ids = await q.enqueue([{ payload: 1 }, { payload: 2 }, { payload: 3 }]);
    const [single, ...none] = await q.enqueue({ payload: 4 });
    assert.equal(ids.length, 3);
    assert.equal(none.length, 0);
    assert.ok(
      [...ids, single].every((id) => typeof id === 'string' && id.length > 0),
      'ids are non-empty strings',
    );
    assert.equal(new Set([...ids, single]).size, 4, 'ids are distinct');
    const claimed = await q.claim(W, { max: 10 });
    assert.deepEqual(
      claimed.map((job) => [job.id, job.payload]),
      [...ids, single].map((id, i) => [id, i + 1]),
    );
  },
  'a claimed job carries its payload, attempt 1, a token and a lease in the future': async (q) => {
    const payload = { text: 'héllo ✓ "q"', n: -42.5, ok: true, none: null, list: [1, 'two', { three: [3] }], empty: {} };
    const [id] = await q.enqueue({ payload });
    const before = Date.now();
    const job = await claimOne(q, 60_000);
    assert.equal(job.id, id);
    assert.deepEqual(job.payload, payload);
    assert.equal(job.attempt, 1);
    assert.ok(typeof job.token === 'string' && job.token.length > 0, 'the token is a non-empty string');
    // Loose bounds: a remote backend's clock may be some seconds off ours.
    const ahead = job.leaseUntil - before;
    assert.ok(ahead > 30_000 && ahead < 90_000, `leaseUntil should be about 60 s ahead, is ${ahead} ms`);
  },
  'payloads of every JSON kind round-trip': async (q) => {
    const payloads = [0, 'text', '', false, null, [], {}, [null, [[]]], { a: { b: { c: 'deep' } } }];
    await q.enqueue(payloads.map((payload) => ({ payload })));
    assert.deepEqual(await drainPayloads(q), payloads);
  },
  'claim on an empty queue returns no jobs': async (q) => {
    assert.deepEqual(await q.claim(W, { max: 5 }), []);
  },
  'claim takes one job unless told otherwise': async (q) => {
    await q.enqueue([{ payload: 1 }, { payload: 2 }]);
    assert.equal((await q.claim(W)).length, 1);
  },
  'a job under a live lease is not claimed again': async (q) => {
    await q.enqueue({ payload: 'once' });
    await claimOne(q);
    assert.deepEqual(await q.claim('another-worker', { max: 5 }), []);
  },
};

export const ordering: Record<string, ConformanceTest> = {
  'higher priority first, FIFO within a priority': async (q) => {
    const jobs: [string, number | undefined][] = [
      ['a', 0],
      ['b', 5],
      ['c', undefined],
      ['d', 5],
      ['e', -1],
      ['f', 10],
      ['g', 0],
    ];
    for (const [payload, priority] of jobs) await q.enqueue(priority === undefined ? { payload } : { payload, priority });
    assert.deepEqual(await drainPayloads(q), ['f', 'b', 'd', 'a', 'c', 'g', 'e']);
  },
  'a job whose runAt is in the future is not claimed': async (q) => {
    await q.enqueue({ payload: 'later', runAt: Date.now() + 60_000 });
    assert.deepEqual(await q.claim(W), []);
    const stats = await counts(q);
    assert.deepEqual([stats.ready, stats.delayed, stats.running], [0, 1, 0]);
  },
  'a job whose runAt is in the past is claimed, as a number or a Date': async (q) => {
    await q.enqueue([
      { payload: 'number', runAt: Date.now() - 60_000 },
      { payload: 'date', runAt: new Date(Date.now() - 30_000) },
    ]);
    assert.deepEqual(await drainPayloads(q), ['number', 'date']);
  },
  'a delayed job is claimed once its runAt has passed': async (q, { leaseMs }) => {
    await q.enqueue({ payload: 'soon', runAt: Date.now() + leaseMs });
    assert.deepEqual(await q.claim(W), []);
    await sleep(Math.ceil(leaseMs * 1.5) + 50);
    assert.deepEqual(await drainPayloads(q), ['soon']);
  },
};

export const batch: Record<string, ConformanceTest> = {
  'claim takes up to max jobs, in order, each under its own lease': async (q) => {
    const before = await counts(q);
    await q.enqueue([1, 2, 3, 4, 5].map((payload) => ({ payload })));
    const first = await q.claim(W, { max: 3 });
    assert.deepEqual(
      first.map((job) => job.payload),
      [1, 2, 3],
    );
    assert.equal(new Set(first.map((job) => job.id)).size, 3);
    assert.ok(first.every((job) => job.attempt === 1 && job.token.length > 0));
    assert.deepEqual(
      (await q.claim(W, { max: 3 })).map((job) => job.payload),
      [4, 5],
    );
    assert.deepEqual(await q.claim(W, { max: 3 }), []);
    for (const job of first) await q.complete(job);
    const stats = await counts(q);
    assert.deepEqual([stats.running, stats.completedTotal - before.completedTotal], [2, 3]);
  },
};

export const dedup: Record<string, ConformanceTest> = {
  'a dedupKey in use returns the live job id and enqueues nothing': async (q) => {
    const [first] = await q.enqueue({ payload: 'first', dedupKey: 'k' });
    const before = await counts(q);
    const [second] = await q.enqueue({ payload: 'second', dedupKey: 'k' });
    assert.equal(second, first);
    assert.deepEqual(await counts(q), before, 'a dedup hit changes no count');
    assert.deepEqual(await drainPayloads(q), ['first']);
  },
  'a running job keeps its key; completing it frees the key': async (q) => {
    const [id] = await q.enqueue({ payload: 1, dedupKey: 'k' });
    const job = await claimOne(q);
    assert.deepEqual(await q.enqueue({ payload: 2, dedupKey: 'k' }), [id]);
    await q.complete(job);
    const [next] = await q.enqueue({ payload: 3, dedupKey: 'k' });
    assert.notEqual(next, id);
  },
  'a dead job frees its key': async (q) => {
    const [id] = await q.enqueue({ payload: 1, dedupKey: 'k', maxAttempts: 1 });
    await q.fail(await claimOne(q), new Error('boom'));
    const [next] = await q.enqueue({ payload: 2, dedupKey: 'k' });
    assert.notEqual(next, id);
  },
  'one batch dedups within itself; other keys make other jobs': async (q) => {
    const ids = await q.enqueue([
      { payload: 1, dedupKey: 'a' },
      { payload: 2, dedupKey: 'b' },
      { payload: 3, dedupKey: 'a' },
      { payload: 4 },
    ]);
    assert.equal(ids[2], ids[0]);
    assert.equal(new Set(ids).size, 3);
    assert.deepEqual(await drainPayloads(q), [1, 2, 4]);
  },
};
