import assert from 'node:assert/strict';
import type { ClaimOptions, ClaimQueue, JobInput } from '../../queue.js';
import { type ConformanceTest, claimOne, counts, rejectsWith, W } from './helpers.js';

const badJobs: [string, unknown, string][] = [
  ['a function payload', { payload: () => 1 }, 'payload'],
  ['a BigInt in the payload', { payload: { n: 1n } }, 'payload'],
  ['an undefined payload', { payload: undefined }, 'payload'],
  ['a missing payload', {}, 'payload'],
  ['a symbol in the payload', { payload: [Symbol('s')] }, 'payload'],
  ['an undefined value in the payload', { payload: { a: undefined } }, 'payload'],
  ['NaN in the payload', { payload: { x: Number.NaN } }, 'payload'],
  ['a fractional priority', { payload: 1, priority: 1.5 }, 'priority'],
  ['a string priority', { payload: 1, priority: 'high' }, 'priority'],
  ['maxAttempts 0', { payload: 1, maxAttempts: 0 }, 'maxAttempts'],
  ['a fractional maxAttempts', { payload: 1, maxAttempts: 2.5 }, 'maxAttempts'],
  ['an invalid runAt', { payload: 1, runAt: new Date(Number.NaN) }, 'runAt'],
  ['a priority beyond a 32-bit integer', { payload: 1, priority: 2 ** 31 }, 'priority'],
  ['a priority below a 32-bit integer', { payload: 1, priority: -(2 ** 31) - 1 }, 'priority'],
  ['maxAttempts beyond a million', { payload: 1, maxAttempts: 2 ** 31 }, 'maxAttempts'],
  ['a runAt past year 9999', { payload: 1, runAt: 1e17 }, 'runAt'],
  ['a runAt of 1e308', { payload: 1, runAt: 1e308 }, 'runAt'],
  ['a runAt before 1970', { payload: 1, runAt: -1e308 }, 'runAt'],
  ['a dedup key with a NUL character', { payload: 1, dedupKey: 'a\0b' }, 'dedupKey'],
  ['a payload nested 50,000 levels deep', { payload: nested(50_000) }, 'payload'],
];

/** `[[[…]]]`, `depth` arrays deep, built without recursion. */
function nested(depth: number): unknown {
  let value: unknown = 0;
  for (let i = 0; i < depth; i++) value = [value];
  return value;
}

const badClaims: [string, string, ClaimOptions, string][] = [
  ['an empty workerId', '', {}, 'workerId'],
  ['max 0', W, { max: 0 }, 'max'],
  ['a fractional max', W, { max: 1.5 }, 'max'],
  ['leaseMs 0', W, { leaseMs: 0 }, 'leaseMs'],
  ['a negative leaseMs', W, { leaseMs: -5 }, 'leaseMs'],
  ['a leaseMs beyond a timer', W, { leaseMs: 1e16 }, 'leaseMs'],
  ['max beyond 1000', W, { max: 1e7 }, 'max'],
  ['a workerId with a NUL character', 'w\0x', {}, 'workerId'],
];

/** Runs `call` on a queue holding one ready and one running job, and checks it was refused and changed nothing. */
async function refusedUnchanged(q: ClaimQueue, field: string, call: (running: { id: string; token: string }) => Promise<unknown>) {
  await q.enqueue([{ payload: 'running' }, { payload: 'ready' }]);
  const running = await claimOne(q, 60_000);
  const before = await counts(q);
  await rejectsWith(call(running), 'invalid-input', field);
  assert.deepEqual(await counts(q), before, 'a refused call changes nothing');
  await q.complete(running);
}

export const badInput: Record<string, ConformanceTest> = {
  ...Object.fromEntries(
    badJobs.map(([label, job, field]): [string, ConformanceTest] => [
      `enqueue refuses ${label}, naming ${field}`,
      (q) => refusedUnchanged(q, field, () => q.enqueue(job as JobInput)),
    ]),
  ),
  'a batch with one bad job enqueues none of it': (q) =>
    refusedUnchanged(q, 'payload', () => q.enqueue([{ payload: 'good' }, { payload: 'good too' }, { payload: () => 'bad' }])),
  ...Object.fromEntries(
    badClaims.map(([label, workerId, options, field]): [string, ConformanceTest] => [
      `claim refuses ${label}, naming ${field}`,
      (q) => refusedUnchanged(q, field, () => q.claim(workerId, options)),
    ]),
  ),
  'extend refuses leaseMs 0 and keeps the lease': (q) => refusedUnchanged(q, 'leaseMs', (job) => q.extend(job, 0)),
  'extend refuses a leaseMs beyond a timer and keeps the lease': (q) => refusedUnchanged(q, 'leaseMs', (job) => q.extend(job, 1e16)),
  'fail refuses a negative retryInMs and keeps the lease': (q) =>
    refusedUnchanged(q, 'retryInMs', (job) => q.fail(job, new Error('x'), { retryInMs: -1 })),
};
