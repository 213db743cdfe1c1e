// start() resolves with the first tick's Decision, so a test can see what the first tick did before it changes a
// metric; it never rejects.
import { describe, expect, it } from 'vitest';
import { Autoscaler, type AutoscalerOptions, ceilTarget, type Decision } from '../src/index.js';
import { FakeClock, fixedMetric, flushPromises, memoryProvider } from '../src/testing/index.js';

function setup(extra: Partial<AutoscalerOptions> = {}) {
  const clock = new FakeClock();
  const queue = fixedMetric({ pending: 50 });
  const provider = memoryProvider({ clock, initial: 1 });
  const scaler = new Autoscaler({
    clock,
    metrics: queue,
    provider,
    policy: ceilTarget({ metric: 'pending', perWorker: 5, scaleUpAbove: 8, scaleDownBelow: 2 }),
    max: 10,
    ...extra,
  });
  const errors: string[] = [];
  scaler.on('error', (e) => errors.push(`${e.phase}: ${e.error.message}`));
  return { clock, queue, provider, scaler, errors };
}

describe('start()', () => {
  it('resolves with the first tick once it has acted, so a metric set afterwards is for the next tick', async () => {
    const { clock, queue, provider, scaler } = setup({ cooldown: { down: 0 } });
    const first = await scaler.start();
    expect(first).toMatchObject({ action: 'scale-up', from: 1, to: 10, code: 'policy', metrics: { pending: 50 } });
    expect(provider.workers).toHaveLength(10);
    queue.set({ pending: 0 });
    await clock.advance(10_000);
    expect(scaler.lastDecision).toMatchObject({ action: 'scale-down', from: 10, to: 1 });
    await scaler.stop();
  });

  it('returns the same promise while running', async () => {
    const { scaler, provider } = setup();
    const a = scaler.start();
    const b = scaler.start();
    expect(b).toBe(a);
    await a;
    expect(scaler.start()).toBe(a);
    expect(provider.calls).toHaveLength(1);
    await scaler.stop();
  });

  it('after stop(), starts again with a new first tick', async () => {
    const { clock, queue, scaler } = setup({ cooldown: { down: 0 } });
    const started = scaler.start();
    const first = await started;
    await scaler.stop();
    await clock.advance(5_000);
    queue.set({ pending: 0 });
    const again = scaler.start();
    expect(again).not.toBe(started);
    expect(await again).toMatchObject({ action: 'scale-down', from: 10, to: 1, at: first.at + 5_000 });
    await scaler.stop();
    expect(clock.pendingTimers).toBe(0);
  });

  it('resolves with the hold of a first tick that fails, and the failure still goes to the error event', async () => {
    const { provider, scaler, errors } = setup();
    provider.failNext(1, 'status');
    const first = await scaler.start();
    expect(first).toMatchObject({ action: 'hold', code: 'provider-error' });
    expect(errors).toEqual([expect.stringMatching(/^provider: /)]);
    await scaler.stop();
  });

  it('never rejects, even when something outside the rules throws (a logger)', async () => {
    const throwing = () => {
      throw new Error('logger down');
    };
    const { scaler } = setup({ logger: { info: throwing, warn: throwing, error: throwing, debug: throwing } });
    const first: Decision = await scaler.start();
    expect(first).toMatchObject({ action: 'hold', code: 'policy-error', reason: 'the tick failed: logger down: hold' });
    await scaler.stop();
  });

  it('waits for a tick in flight, then runs its own first tick', async () => {
    const clock = new FakeClock();
    const queue = fixedMetric({ pending: 50 });
    const provider = memoryProvider({ clock, initial: 1, delayMs: 1_000 }); // each call takes a second on the clock
    const policy = ceilTarget({ metric: 'pending', perWorker: 5, scaleUpAbove: 8, scaleDownBelow: 2 });
    const scaler = new Autoscaler({ clock, metrics: queue, provider, policy, max: 10, cooldown: { down: 0 } });
    const manual = scaler.evaluate();
    await flushPromises(); // the manual tick is in flight: waiting for the provider's status
    const first = scaler.start();
    queue.set({ pending: 0 }); // read by the manual tick, which has not read its metric yet
    await clock.advance(1_000); // the manual tick's status answers: it holds at min, with no scaleTo
    expect(await manual).toMatchObject({ at: clock.now(), from: 1, to: 1, code: 'at-min' });
    queue.set({ pending: 50 }); // read by the first tick of start(), which began only now
    await clock.advance(2_000); // its status, then its scaleTo
    expect(await first).toMatchObject({ from: 1, to: 10 });
    await scaler.stop();
  });

  it('shares a tick that is waiting to begin, as evaluate() does: it begins after start() was called', async () => {
    const { scaler } = setup();
    const manual = scaler.evaluate();
    const first = scaler.start();
    expect(await first).toBe(await manual);
    await scaler.stop();
  });
});
