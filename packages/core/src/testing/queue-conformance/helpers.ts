import assert from 'node:assert/strict';
import type { ClaimQueue, QueueStats } from '../../queue.js';

/** What every group's tests get besides the queue. */
export interface ConformanceContext {
  /** The short lease of the expiry tests, in ms. */
  leaseMs: number;
}

/** One conformance test: the queue is fresh (created, reset) and closed afterwards by the suite. */
export type ConformanceTest = (queue: ClaimQueue, context: ConformanceContext) => Promise<void>;

/** The worker id the single-worker tests claim with. */
export const W = 'conformance-worker';

/** Real time, on purpose: the suite runs against real backends. */
export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Sleeps past a lease of `leaseMs` taken now, with a margin for timer and clock granularity. */
export const sleepPast = (leaseMs: number) => sleep(Math.ceil(leaseMs * 1.5) + 50);

/** Asserts that `promise` rejects with a `@fleet` error of `code` whose message mentions each of `mentions`. */
export async function rejectsWith(promise: Promise<unknown>, code: string, ...mentions: string[]): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    const { code: actual, message } = (error ?? {}) as { code?: unknown; message?: unknown };
    assert.equal(actual, code, `expected an error with code "${code}", got ${String(actual)}: ${String(message)}`);
    for (const word of mentions) assert.ok(String(message).includes(word), `the error should mention "${word}": ${String(message)}`);
    return true;
  });
}

/** The stats without the age, which moves with time: what must not change after a refused call. */
export async function counts(queue: ClaimQueue): Promise<Omit<QueueStats, 'oldestReadyAgeMs'>> {
  const { oldestReadyAgeMs: _, ...rest } = await queue.stats();
  return rest;
}

/** Claims one job at a time until the queue gives none; returns their payloads in claim order. */
export async function drainPayloads(queue: ClaimQueue): Promise<unknown[]> {
  const payloads: unknown[] = [];
  for (;;) {
    const [job] = await queue.claim(W);
    if (!job) return payloads;
    payloads.push(job.payload);
    await queue.complete(job);
  }
}

/** Claims exactly one job and returns it. */
export async function claimOne(queue: ClaimQueue, leaseMs = 30_000, workerId = W) {
  const jobs = await queue.claim(workerId, { max: 1, leaseMs });
  assert.equal(jobs.length, 1, `expected one job to claim, got ${jobs.length}`);
  return jobs[0] as NonNullable<(typeof jobs)[0]>;
}
