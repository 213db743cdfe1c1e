import { describe, expect, it } from 'vitest';
import { MAX_TIMER_MS } from '../src/duration.js';
import type { Logger } from '../src/logger.js';
import { flushPromises } from '../src/testing/fake-clock.js';
import { runWorker } from '../src/worker/run-worker.js';
import { workerSetup } from './support/worker-setup.js';

const setup = workerSetup;

describe('runWorker: whatever a handler throws fails its job with a readable error', () => {
  const unprintable = {
    'Object.create(null)': () => Object.create(null),
    'an object whose toString throws': () => ({
      toString() {
        throw new Error('no text for you');
      },
    }),
    'a string': () => 'plain text',
  };

  for (const [what, make] of Object.entries(unprintable)) {
    it(`${what}: the job is failed (dead after its last attempt) with a text, and job-failed carries an Error`, async () => {
      const { clock, queue, lines, start } = setup();
      await queue.enqueue({ payload: 1, maxAttempts: 1 });
      const failed: unknown[] = [];
      const errors: unknown[] = [];
      const worker = start({
        handler: async () => {
          throw make();
        },
      });
      worker.on('job-failed', ({ error }) => failed.push(error));
      worker.on('error', (event) => errors.push(event));
      await clock.advance(100);
      expect(errors).toEqual([]);
      expect(failed).toHaveLength(1);
      expect(failed[0]).toBeInstanceOf(Error);
      expect(failed[0]).toMatchObject({ code: 'job-failed' });
      const [dead] = await queue.listDead();
      expect(dead?.lastError).toBe((failed[0] as Error).message);
      expect(dead?.lastError).toMatch(/^\[fleet\] \[core\] ./);
      if (what === 'a string') expect(dead?.lastError).toContain('plain text');
      expect(await queue.stats()).toMatchObject({ running: 0, dead: 1 });
      expect(worker.stats()).toMatchObject({ failed: 1, errors: 0 });
      expect(lines.some((l) => l.startsWith('warn worker w1: job 1 failed on attempt 1: [fleet] [core] '))).toBe(true);
      await worker.stop();
    });
  }

  it('an Error is passed on as it is', async () => {
    const { clock, queue, start } = setup();
    await queue.enqueue({ payload: 1, maxAttempts: 1 });
    const thrown = new TypeError('bad payload');
    const failed: unknown[] = [];
    const worker = start({
      handler: async () => {
        throw thrown;
      },
    });
    worker.on('job-failed', ({ error }) => failed.push(error));
    await clock.advance(100);
    expect(failed).toEqual([thrown]);
    expect((await queue.listDead())[0]?.lastError).toBe('bad payload');
    await worker.stop();
  });
});

describe('runWorker: jobTimeoutMs', () => {
  const never = () => new Promise<void>(() => {});

  it('a handler that never returns is aborted at the limit; its job fails with a timeout naming the limit and is retried', async () => {
    const { clock, queue, start } = setup();
    await queue.enqueue({ payload: 1, maxAttempts: 2 });
    const reasons: unknown[] = [];
    const failed: unknown[] = [];
    const extends_: number[] = [];
    const extend = queue.extend.bind(queue);
    queue.extend = (job, leaseMs) => {
      extends_.push(clock.now());
      return extend(job, leaseMs);
    };
    const worker = start({
      leaseMs: 1_000,
      jobTimeoutMs: 5_000,
      handler: (job, { signal }) => {
        // The first attempt ignores its signal (it only records it) and never returns; the second succeeds.
        if (job.attempt > 1) return Promise.resolve();
        signal.addEventListener('abort', () => reasons.push(signal.reason));
        return never();
      },
    });
    worker.on('job-failed', ({ error }) => failed.push(error));
    const limitAt = clock.now() + 5_000;
    await clock.advance(4_999);
    expect(failed).toEqual([]);
    await clock.advance(1);
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({ code: 'timeout' });
    expect(String((failed[0] as Error).message)).toContain('jobTimeoutMs (5s)');
    expect(reasons).toEqual(failed);
    const extendsAtLimit = extends_.length;
    await clock.advance(10_000);
    expect(extends_.filter((at) => at > limitAt)).toEqual([]);
    expect(extends_.length).toBe(extendsAtLimit);
    expect(await queue.stats()).toMatchObject({ completedTotal: 1, running: 0, dead: 0 });
    expect(worker.stats()).toMatchObject({ done: 1, failed: 1, running: 0 });
    await worker.stop();
    expect(clock.pendingTimers).toBe(0);
  });

  it('the slot of a timed-out job takes the next one (concurrency 1)', async () => {
    const { clock, queue, start } = setup();
    await queue.enqueue([{ payload: 1 }, { payload: 2 }]);
    const done: number[] = [];
    const worker = start({ jobTimeoutMs: 1_000, handler: (job) => (job.payload === 1 ? never() : Promise.resolve()) });
    worker.on('job-done', ({ job }) => done.push(job.payload));
    await clock.advance(1_000);
    expect(done).toEqual([2]);
    await worker.stop();
  });

  it('defaults to 15 minutes; 0 turns the limit off', async () => {
    const first = setup();
    await first.queue.enqueue({ payload: 1 });
    const timedOut: unknown[] = [];
    const limited = first.start({ handler: never });
    limited.on('job-failed', ({ error }) => timedOut.push(error));
    await first.clock.advance(15 * 60_000 - 1);
    expect(timedOut).toEqual([]);
    await first.clock.advance(1);
    expect(timedOut).toMatchObject([{ code: 'timeout' }]);
    void limited.stop();

    const second = setup();
    await second.queue.enqueue({ payload: 1 });
    const unlimited = second.start({ jobTimeoutMs: 0, leaseMs: 60_000, handler: never });
    const failed: unknown[] = [];
    unlimited.on('job-failed', (e) => failed.push(e));
    await second.clock.advance(2 * 60 * 60_000);
    await flushPromises();
    expect(failed).toEqual([]);
    expect(await second.queue.stats()).toMatchObject({ running: 1, redeliveredTotal: 0 });
    void unlimited.stop();
  });
});

describe('runWorker: every duration option fits in a timer', () => {
  const { queue } = setup();
  const handler = async () => {};
  for (const field of ['leaseMs', 'jobTimeoutMs', 'drainTimeoutMs', 'pollMs', 'statsIntervalMs'] as const) {
    it(`${field} above 2^31 − 1 ms is refused, naming the field; the largest accepted value is 2^31 − 1`, async () => {
      expect(() => runWorker({ queue, handler, handleSignals: false, [field]: 3e9 })).toThrow(
        new RegExp(`runWorker\\(\\) options: ${field}: at most ${MAX_TIMER_MS} ms \\(about 24\\.8 days`),
      );
      const worker = runWorker({ queue, handler, handleSignals: false, logger: silent, [field]: MAX_TIMER_MS });
      await worker.stop();
    });
  }
});

const silent: Logger = { info: () => {}, warn: () => {}, error: () => {} };
