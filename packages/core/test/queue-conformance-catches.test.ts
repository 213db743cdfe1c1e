import { describe, expect, it } from 'vitest';
import type { ClaimQueue } from '../src/queue.js';
import { memoryQueue } from '../src/testing/memory-queue.js';
import { QUEUE_CONFORMANCE_GROUPS, type QueueConformanceGroup, queueConformance } from '../src/testing/queue-conformance.js';
import { collectTests } from '../src/testing/runner.js';
import { type ToyDefects, toyQueue } from './fixtures/toy-queue.js';

/** Runs the whole suite on `create` through collectTests() and returns the groups with a failing test. */
async function failingGroups(create: () => ClaimQueue, skip: QueueConformanceGroup[] = []) {
  const runner = collectTests();
  queueConformance({ name: 'under-test', create, skip }, runner);
  const results = await runner.run();
  expect(new Set(results.map((r) => r.path[1]))).toEqual(new Set(QUEUE_CONFORMANCE_GROUPS.filter((g) => !skip.includes(g))));
  return [...new Set(results.filter((r) => !r.passed).map((r) => r.path[1]))].sort();
}

/** A memoryQueue with one method replaced by a broken one. */
function brokenMemory(patch: (inner: ClaimQueue) => Partial<ClaimQueue>): () => ClaimQueue {
  return () => {
    const inner = memoryQueue();
    return { ...inner, ...patch(inner) };
  };
}

const toy = (defects: ToyDefects) => () => toyQueue(defects);
// The toy validates nothing, so its runs leave bad-input out.
const toyCase = (label: string, defects: ToyDefects, groups: string[]): Case => [label, toy(defects), groups, ['bad-input']];
type Case = [label: string, create: () => ClaimQueue, groups: string[], skip?: QueueConformanceGroup[]];

describe.concurrent('queueConformance catches broken queues', () => {
  it('passes on the reference memoryQueue', async () => {
    expect(await failingGroups(() => memoryQueue())).toEqual([]);
  });

  it('passes on the naive toy queue without defects (bad-input skipped: it validates nothing)', async () => {
    expect(await failingGroups(toy({}), ['bad-input'])).toEqual([]);
  });

  // A broken method that skips validation is caught by bad-input too.
  const cases: Case[] = [
    toyCase('a claim that reads, awaits, then marks (one job to two claimers)', { racyClaim: true }, ['concurrency']),
    toyCase('complete/fail/extend that ignore the token', { ignoreToken: true }, ['complete-and-claim', 'leases']),
    toyCase('a queue that drops a job whose lease expired', { dropExpired: true }, ['leases', 'retries']),
    toyCase('a claim that ignores priority', { ignorePriority: true }, ['complete-and-claim', 'ordering']),
    ['complete that swallows lease-lost', brokenMemory((q) => ({ complete: (job) => q.complete(job).catch(() => {}) })), ['leases']],
    [
      'completeAndClaim that claims even when the complete is refused',
      brokenMemory((q) => ({
        completeAndClaim: async (job, workerId, options) => {
          await q.complete(job).catch(() => {});
          return q.claim(workerId, options);
        },
      })),
      ['complete-and-claim'],
    ],
    ['extend that only reports a new time', brokenMemory(() => ({ extend: async (_job, ms) => Date.now() + ms })), ['bad-input', 'leases']],
    ['fail that completes the job', brokenMemory((q) => ({ fail: (job) => q.complete(job) })), ['bad-input', 'retries', 'stats']],
    [
      'enqueue that forgets dedupKey',
      brokenMemory((q) => ({
        enqueue: (jobs) => q.enqueue((Array.isArray(jobs) ? jobs : [jobs]).map(({ dedupKey: _, ...job }) => job)),
      })),
      // bad-input too: a dedup key with a NUL character is never checked.
      ['bad-input', 'concurrency', 'dedup'],
    ],
    [
      'a batch enqueue that adds jobs one by one (a bad one leaves the good ones in)',
      brokenMemory((q) => ({
        enqueue: async (jobs) => {
          const ids: string[] = [];
          for (const job of Array.isArray(jobs) ? jobs : [jobs]) ids.push(...(await q.enqueue(job)));
          return ids;
        },
      })),
      ['bad-input'],
    ],
  ];
  for (const [label, create, groups, skip] of cases) {
    it(`fails ${groups.join(' and ')} on ${label}`, async () => {
      expect(await failingGroups(create, skip)).toEqual(groups);
    });
  }

  it('collectTests runs hooks around each test, outer first, and reports timeouts', async () => {
    const runner = collectTests();
    const log: string[] = [];
    runner.beforeEach(() => void log.push('before-outer'));
    runner.describe('group', () => {
      runner.beforeEach(() => void log.push('before-inner'));
      runner.afterEach(() => void log.push('after-inner'));
      runner.it('passes', () => void log.push('test'));
      runner.it('hangs', () => new Promise(() => {}), 20);
    });
    runner.afterEach(() => void log.push('after-outer'));
    const results = await runner.run();
    expect(results.map((r) => [r.name, r.passed])).toEqual([
      ['group > passes', true],
      ['group > hangs', false],
    ]);
    expect(String(results[1]?.error)).toContain('timed out after 20 ms');
    expect(log.slice(0, 5)).toEqual(['before-outer', 'before-inner', 'test', 'after-inner', 'after-outer']);
  });

  it('refuses an unknown group name in skip', () => {
    expect(() => queueConformance({ create: () => memoryQueue(), skip: ['leasez' as never] }, collectTests())).toThrow('skip.0');
    expect(QUEUE_CONFORMANCE_GROUPS).toContain('leases');
  });
});
