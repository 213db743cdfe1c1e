import assert from 'node:assert/strict';
import type { QueueStats } from '../../queue.js';
import { type ConformanceTest, claimOne, counts, sleep, W } from './helpers.js';

const statKeys: (keyof QueueStats)[] = [
  'ready',
  'delayed',
  'running',
  'dead',
  'oldestReadyAgeMs',
  'enqueuedTotal',
  'completedTotal',
  'redeliveredTotal',
];
const totalKeys = ['enqueuedTotal', 'completedTotal', 'redeliveredTotal'] as const;

export const stats: Record<string, ConformanceTest> = {
  'an empty queue counts nothing': async (q) => {
    const s = await q.stats();
    assert.deepEqual([s.ready, s.delayed, s.running, s.dead, s.oldestReadyAgeMs], [0, 0, 0, 0, 0]);
  },
  'counts ready, delayed, running and dead jobs': async (q) => {
    const before = await counts(q);
    await q.enqueue([
      { payload: 'dies', priority: 2, maxAttempts: 1 },
      { payload: 'runs', priority: 1 },
      { payload: 'ready-1' },
      { payload: 'ready-2' },
      { payload: 'delayed', runAt: Date.now() + 60_000 },
    ]);
    await q.fail(await claimOne(q), new Error('boom'));
    assert.equal((await claimOne(q)).payload, 'runs');
    const s = await counts(q);
    assert.deepEqual(
      { ready: s.ready, delayed: s.delayed, running: s.running, dead: s.dead - before.dead },
      { ready: 2, delayed: 1, running: 1, dead: 1 },
    );
    assert.equal(s.enqueuedTotal - before.enqueuedTotal, 5);
  },
  'oldestReadyAgeMs is the age of the oldest ready job': async (q) => {
    await q.enqueue({ payload: 1 });
    await sleep(120);
    await q.enqueue({ payload: 2 });
    const age = (await q.stats()).oldestReadyAgeMs;
    assert.ok(age >= 100 && age < 30_000, `oldestReadyAgeMs should be about 120, is ${age}`);
    await q.claim(W, { max: 2 });
    assert.equal((await q.stats()).oldestReadyAgeMs, 0, 'no ready job: 0');
  },
  'the totals only grow': async (q) => {
    const seen = [await q.stats()];
    await q.enqueue([{ payload: 1 }, { payload: 2 }, { payload: 3 }]);
    seen.push(await q.stats());
    const [a, b, c] = await q.claim(W, { max: 3 });
    assert.ok(a && b && c);
    await q.complete(a);
    seen.push(await q.stats());
    await q.complete(b);
    await q.fail(c, new Error('boom'), { retryInMs: 0 });
    seen.push(await q.stats());
    const first = seen[0] as QueueStats;
    const last = seen[seen.length - 1] as QueueStats;
    assert.equal(last.enqueuedTotal - first.enqueuedTotal, 3);
    assert.equal(last.completedTotal - first.completedTotal, 2, 'a fail completes nothing');
    for (let i = 1; i < seen.length; i++) {
      for (const key of totalKeys) assert.ok((seen[i] as QueueStats)[key] >= (seen[i - 1] as QueueStats)[key], `${key} went down`);
    }
  },
  'metricSource reads the stats as numbers, prefixed if asked': async (q) => {
    await q.enqueue([{ payload: 1 }, { payload: 2 }]);
    const plain = q.metricSource();
    const prefixed = q.metricSource({ prefix: 'jobs_' });
    assert.ok(typeof plain.name === 'string' && plain.name.length > 0, 'the source has a name');
    const signal = new AbortController().signal;
    const expected = await q.stats();
    for (const [source, prefix] of [
      [plain, ''],
      [prefixed, 'jobs_'],
    ] as const) {
      const reading = await source.read(signal);
      for (const key of statKeys) {
        const raw = reading[`${prefix}${key}`];
        const value = typeof raw === 'object' ? raw.value : raw;
        assert.equal(typeof value, 'number', `${prefix}${key} should be a number`);
        if (key !== 'oldestReadyAgeMs') assert.equal(value, expected[key], `${prefix}${key}`);
      }
    }
  },
};
