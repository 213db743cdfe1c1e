import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isFleetError } from '../src/errors.js';
import { FakeClock } from '../src/testing/fake-clock.js';
import { memoryQueue } from '../src/testing/memory-queue.js';
import { queueConformance } from '../src/testing/queue-conformance.js';

queueConformance({ name: 'memoryQueue', create: () => memoryQueue() }, { describe, it, beforeEach, afterEach });

describe('memoryQueue on a FakeClock', () => {
  const setup = (options: Parameters<typeof memoryQueue>[0] = {}) => {
    const clock = new FakeClock();
    return { clock, queue: memoryQueue<string>({ clock, ...options }) };
  };

  it('retries after min(maxMs, baseMs × 2^(attempt-1)), jittered down by at most half', async () => {
    const { clock, queue } = setup({ backoff: { baseMs: 1_000, maxMs: 4_000 }, random: () => 0, defaultMaxAttempts: 10 });
    await queue.enqueue({ payload: 'x' });
    const delays: number[] = [];
    for (let attempt = 1; attempt <= 5; attempt++) {
      const [job] = await queue.claim('w');
      expect(job?.attempt).toBe(attempt);
      await queue.fail(job!, new Error('boom'));
      const failedAt = clock.now();
      while ((await queue.stats()).ready === 0) await clock.advance(100);
      delays.push(clock.now() - failedAt);
    }
    expect(delays).toEqual([500, 1_000, 2_000, 2_000, 2_000]);
  });

  it('with random → 1 the delay is the full exponential step; retryInMs overrides it', async () => {
    const { clock, queue } = setup({ backoff: { baseMs: 1_000, maxMs: 60_000 }, random: () => 0.999999 });
    await queue.enqueue([{ payload: 'a' }, { payload: 'b' }]);
    const [a, b] = await queue.claim('w', { max: 2 });
    await queue.fail(a!, 'boom');
    await queue.fail(b!, 'boom', { retryInMs: 250 });
    await clock.advance(250);
    expect((await queue.claim('w')).map((j) => j.payload)).toEqual(['b']);
    await clock.advance(749);
    expect(await queue.claim('w')).toEqual([]);
    await clock.advance(1);
    expect((await queue.claim('w')).map((j) => j.payload)).toEqual(['a']);
  });

  it('lists dead jobs with their last error, and requeues them with fresh attempts', async () => {
    const { clock, queue } = setup({ defaultMaxAttempts: 1 });
    await queue.enqueue([{ payload: 'a', dedupKey: 'k' }, { payload: 'b' }, { payload: 'c' }]);
    const [a, b, c] = await queue.claim('w', { max: 3, leaseMs: 1_000 });
    await queue.fail(a!, new Error('bad a'));
    await queue.fail(b!, 'bad b');
    await clock.advance(1_000);
    expect(await queue.claim('w')).toEqual([]);
    const dead = await queue.listDead();
    expect(dead.map(({ id, payload, attempts, lastError }) => ({ id, payload, attempts, lastError }))).toEqual([
      { id: a!.id, payload: 'a', attempts: 1, lastError: 'bad a' },
      { id: b!.id, payload: 'b', attempts: 1, lastError: 'bad b' },
      { id: c!.id, payload: 'c', attempts: 1, lastError: 'lease expired on attempt 1 of 1' },
    ]);
    expect(dead[0]?.dedupKey).toBe('k');
    // The key is live again, so 'a' stays dead; 'b' comes back.
    const [live] = await queue.enqueue({ payload: 'a2', dedupKey: 'k' });
    expect(await queue.requeueDead([a!.id, b!.id, 'no-such-id'])).toEqual([b!.id]);
    const [again] = await queue.claim('w', { max: 1 });
    expect(again?.id).toBe(live);
    const [revived] = await queue.claim('w');
    expect([revived?.id, revived?.payload, revived?.attempt]).toEqual([b!.id, 'b', 1]);
    expect(await queue.requeueDead()).toEqual([c!.id]);
    expect((await queue.listDead()).map((d) => d.payload)).toEqual(['a']);
    expect((await queue.stats()).dead).toBe(1);
  });

  it('refuses a lease that ran out even before another claim took it back', async () => {
    const { clock, queue } = setup();
    await queue.enqueue({ payload: 'x' });
    const [job] = await queue.claim('w', { leaseMs: 1_000 });
    await clock.advance(1_000);
    const error = await queue.complete(job!).catch((e: unknown) => e);
    expect(isFleetError(error, 'lease-lost')).toBe(true);
    expect((error as Error).message).toContain(`job ${job!.id}: its lease expired 0 ms ago`);
    const [again] = await queue.claim('w2');
    expect(again?.attempt).toBe(2);
    expect((await queue.stats()).redeliveredTotal).toBe(1);
  });

  it('hands out a copy of the payload, as a real queue would', async () => {
    const clock = new FakeClock();
    const queue = memoryQueue<{ list: number[] }>({ clock });
    const payload = { list: [1] };
    await queue.enqueue({ payload });
    payload.list.push(2);
    const [job] = await queue.claim('w');
    expect(job?.payload).toEqual({ list: [1] });
  });

  it('measures oldestReadyAgeMs on its clock', async () => {
    const { clock, queue } = setup();
    await queue.enqueue({ payload: 'old' });
    await clock.advance(5_000);
    await queue.enqueue([{ payload: 'new' }, { payload: 'later', runAt: clock.now() + 1_000 }]);
    expect(await queue.stats()).toMatchObject({ ready: 2, delayed: 1, oldestReadyAgeMs: 5_000 });
    await clock.advance(3_000);
    expect(await queue.stats()).toMatchObject({ ready: 3, delayed: 0, oldestReadyAgeMs: 8_000 });
  });

  it('names the field of a bad payload down to the offending value', async () => {
    const { queue } = setup();
    await expect(queue.enqueue({ payload: { a: [1, { when: new Date(0) }] } } as never)).rejects.toThrow(
      'payload.a.1.when: expected a JSON value (a plain object or array, not a Date)',
    );
    await expect(memoryQueue().enqueue([{ payload: 1 }, { payload: () => 2 }])).rejects.toThrow(
      '1.payload: expected a JSON value, got a function',
    );
    expect(() => memoryQueue({ defaultMaxAttempts: 0 })).toThrow('defaultMaxAttempts');
  });

  it('metricSource prefixes keys and honours an aborted signal', async () => {
    const { queue } = setup();
    await queue.enqueue({ payload: 'x' });
    const source = queue.metricSource({ prefix: 'mail.' });
    expect(source.name).toBe('memoryQueue(memory)');
    expect(await source.read(new AbortController().signal)).toMatchObject({ 'mail.ready': 1, 'mail.enqueuedTotal': 1 });
    await expect(source.read(AbortSignal.abort(new Error('stop')))).rejects.toThrow('stop');
  });

  describe('waitForJobs', () => {
    it('resolves on an enqueue, and leaves no timer', async () => {
      const { clock, queue } = setup();
      let woke = false;
      const waiting = queue.waitForJobs(60_000, new AbortController().signal).then(() => (woke = true));
      await clock.advance(10);
      expect([woke, clock.pendingTimers]).toEqual([false, 1]);
      await queue.enqueue({ payload: 'x' });
      await waiting;
      expect(clock.pendingTimers).toBe(0);
    });

    it('resolves after the timeout, on abort, at once when a job is ready, and on close', async () => {
      const { clock, queue } = setup();
      const timed = queue.waitForJobs(1_000, new AbortController().signal);
      await clock.advance(1_000);
      await timed;
      const controller = new AbortController();
      const aborted = queue.waitForJobs(60_000, controller.signal);
      controller.abort();
      await aborted;
      const closed = queue.waitForJobs(60_000, new AbortController().signal);
      await queue.close();
      await closed;
      expect(clock.pendingTimers).toBe(0);
      await queue.enqueue({ payload: 'x' });
      await queue.waitForJobs(60_000, new AbortController().signal);
      expect(clock.pendingTimers).toBe(0);
    });

    it('wakes when a delayed job or a lease falls due before the timeout', async () => {
      const { clock, queue } = setup();
      await queue.enqueue({ payload: 'x', runAt: clock.now() + 2_000 });
      const start = clock.now();
      const delayed = queue.waitForJobs(60_000, new AbortController().signal);
      await clock.advance(2_000);
      await delayed;
      expect(clock.now() - start).toBe(2_000);
      await queue.claim('w', { leaseMs: 500 });
      const lease = queue.waitForJobs(60_000, new AbortController().signal);
      await clock.advance(500);
      await lease;
      expect((await queue.claim('w2'))[0]?.attempt).toBe(2);
    });
  });
});
