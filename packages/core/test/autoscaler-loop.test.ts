import { describe, expect, it, vi } from 'vitest';
import {
  Autoscaler,
  type AutoscalerOptions,
  ceilTarget,
  combine,
  type Decision,
  type MetricSource,
  type ScalingProvider,
  targetTracking,
} from '../src/index.js';
import { FakeClock, fixedMetric, memoryProvider } from '../src/testing/index.js';

const policy = ceilTarget({ metric: 'pending', perWorker: 5, scaleUpAbove: 8, scaleDownBelow: 2, downDivisor: 7.5 });

function setup(extra: Partial<AutoscalerOptions> = {}, others: MetricSource[] = []) {
  const clock = new FakeClock();
  const queue = fixedMetric({ pending: 50 }, 'queue');
  const p = extra.provider ?? memoryProvider({ clock, initial: 4 });
  const metrics = others.length > 0 ? [queue, ...others] : queue;
  const scaler = new Autoscaler({ clock, metrics, provider: p, policy, min: 1, max: 10, intervalMs: 10_000, ...extra });
  const decisions: Decision[] = [];
  const errors: Array<{ phase: string; message: string }> = [];
  scaler.on('decision', (d) => decisions.push(d));
  scaler.on('error', (e) => errors.push({ phase: e.phase, message: e.error.message }));
  return { clock, queue, provider: p as ReturnType<typeof memoryProvider>, scaler, decisions, errors };
}

describe('metric health', () => {
  it('a source that throws for 10 ticks while the queue is full never reduces the fleet', async () => {
    const { clock, queue, scaler, decisions, errors, provider } = setup();
    provider.scaleExternally(8);
    queue.failNext(10);
    scaler.start();
    await clock.advance(95_000); // ticks at 0..90 s: 10 failing reads
    expect(decisions).toHaveLength(10);
    for (const d of decisions) expect(d).toMatchObject({ from: 8, to: 8, action: 'hold', code: 'metric-outage' });
    expect(decisions[9]?.reason).toContain('no fresh pending');
    expect(decisions[9]?.reason).toContain('for 10 ticks: hold at 8');
    expect(errors.filter((e) => e.phase === 'metric')).toHaveLength(10);
    await clock.advance(10_000); // the source recovers: 50 pending on 8 = 6.25/worker, within the band
    expect(decisions[10]).toMatchObject({ to: 8, code: 'within-tolerance' });
    expect(provider.workers).toHaveLength(8);
    await scaler.stop();
  });

  it('a stale sample is an outage, never a zero', async () => {
    const clock = new FakeClock();
    const stale = { name: 'stale', maxAgeMs: 30_000, read: async () => ({ pending: { value: 0, at: clock.now() - 60_000 } }) };
    const provider = memoryProvider({ clock, initial: 6 });
    const scaler = new Autoscaler({ clock, metrics: stale, provider, policy, min: 1, max: 10, cooldown: { up: 0, down: 0 } });
    const d = await scaler.evaluate();
    expect(d).toMatchObject({ from: 6, to: 6, code: 'metric-outage' });
    expect(d.reason).toContain('stale: 60000 ms old > maxAgeMs 30000');
  });

  it('a non-finite value is an outage', async () => {
    const { queue, scaler } = setup({ cooldown: { up: 0, down: 0 } });
    queue.set({ pending: Number.NaN });
    expect(await scaler.evaluate()).toMatchObject({ to: 4, code: 'metric-outage' });
  });

  it('a read that hangs times out and is an outage', async () => {
    const clock = new FakeClock();
    const hanging = {
      name: 'hanging',
      read: (signal: AbortSignal) => new Promise<never>((_, reject) => signal.addEventListener('abort', () => reject(signal.reason))),
    };
    const scaler = new Autoscaler({
      clock,
      metrics: hanging,
      provider: memoryProvider({ clock, initial: 3 }),
      policy,
      max: 10,
      metricTimeoutMs: 2_000,
    });
    const pending = scaler.evaluate();
    await clock.advance(2_000);
    const d = await pending;
    expect(d).toMatchObject({ to: 3, code: 'metric-outage' });
    expect(d.reason).toContain('timed out after 2000 ms');
    expect(clock.pendingTimers).toBe(0);
  });

  it('onMetricError fallback goes to a fixed size after N outages; fail-open goes to max', async () => {
    const a = setup({ onMetricError: { action: 'fallback', replicas: 2, after: 3 }, cooldown: { up: 0, down: 0 } });
    a.queue.failNext(5);
    const codes = [];
    for (let i = 0; i < 3; i++) codes.push((await a.scaler.evaluate()).code);
    expect(codes).toEqual(['metric-outage', 'metric-outage', 'metric-fallback']);
    expect(a.provider.workers).toHaveLength(2);

    const cpuDown: MetricSource = {
      name: 'cpu',
      read: async () => {
        throw new Error('cpu source down');
      },
    };
    const c = setup(
      {
        policy: combine({}, policy, targetTracking({ metric: 'cpu', targetValue: 60 })),
        onMetricError: { action: 'fallback', replicas: 2, after: 1 },
        cooldown: { up: 0, down: 0 },
      },
      [cpuDown],
    );
    c.queue.set({ pending: 0 });
    expect(await c.scaler.evaluate()).toMatchObject({ to: 4, code: 'metric-outage' }); // cpu out, pending fresh: partial
    c.queue.failNext(1);
    expect(await c.scaler.evaluate()).toMatchObject({ to: 2, code: 'metric-fallback' }); // every source out

    const b = setup({ onMetricError: { action: 'fail-open' } });
    b.queue.failNext(1);
    expect(await b.scaler.evaluate()).toMatchObject({ from: 4, to: 10, code: 'metric-fail-open' });
  });
});

describe('provider failures', () => {
  it('a provider that fails twice then succeeds reaches the target, retrying with backoff on later ticks', async () => {
    const { clock, scaler, provider, decisions, errors } = setup({ retry: { baseMs: 10_000, maxMs: 60_000 } });
    provider.failNext(2);
    scaler.start(); // t=0: wants 10, fails (1st): retry after 10 s
    await clock.advance(10_000); // t=10: retry, fails (2nd): retry after 20 s
    await clock.advance(10_000); // t=20: backoff
    await clock.advance(10_000); // t=30: retry, succeeds
    await scaler.stop();
    expect(decisions.map((d) => `${d.to} ${d.code}`)).toEqual(['10 policy', '10 policy', '4 provider-backoff', '10 policy']);
    expect(errors.map((e) => e.phase)).toEqual(['provider', 'provider']);
    expect(provider.calls.map((c) => c.ok)).toEqual([false, false, true]);
    expect(provider.workers).toHaveLength(10);
  });

  it('a failed status read holds with provider-error and the loop goes on', async () => {
    const { clock, scaler, provider, decisions } = setup();
    provider.failNext(1, 'status');
    scaler.start();
    await clock.advance(10_000);
    await scaler.stop();
    expect(decisions.map((d) => d.code)).toEqual(['provider-error', 'policy']);
    expect(provider.workers).toHaveLength(10);
  });

  it('a failed scaleTo starts no cooldown', async () => {
    const { scaler, provider, queue, clock } = setup({ cooldown: { up: 0, down: 60_000 }, retry: { baseMs: 1, maxMs: 1 } });
    provider.failNext(1);
    queue.set({ pending: 0 });
    expect(await scaler.evaluate()).toMatchObject({ to: 1 }); // fails
    await clock.advance(1); // past the 1 ms backoff
    expect(await scaler.evaluate()).toMatchObject({ to: 1, code: 'at-min' }); // no cooldown from the failure
    expect(provider.workers).toHaveLength(1);
  });
});

describe('the loop', () => {
  it('a no-op scale calls nothing and starts no cooldown', async () => {
    const { scaler, provider, queue } = setup({ cooldown: { up: 0, down: 60_000 } });
    queue.set({ pending: 20 }); // 5/worker on 4: hold
    await scaler.evaluate();
    expect(provider.calls).toHaveLength(0);
    queue.set({ pending: 0 });
    expect(await scaler.evaluate()).toMatchObject({ from: 4, to: 1, action: 'scale-down' });
  });

  it('starting workers count as capacity, so the loop does not overshoot while they boot', async () => {
    const clock = new FakeClock();
    const provider = memoryProvider({ clock, initial: 1, startupMs: 30_000 });
    const queue = fixedMetric({ pending: 16 });
    const scaler = new Autoscaler({ clock, metrics: queue, provider, policy, max: 10 });
    expect(await scaler.evaluate()).toMatchObject({ from: 1, to: 4 });
    await clock.advance(10_000);
    expect(await provider.status(new AbortController().signal)).toMatchObject({ target: 4, ready: 1, starting: 3 });
    expect(await scaler.evaluate()).toMatchObject({ from: 4, to: 4, code: 'within-tolerance' });
  });

  it('scaling done by someone else counts toward the cooldown (provider lastScaledAt)', async () => {
    const { scaler, provider, queue, clock } = setup({ cooldown: { up: 0, down: 60_000 } });
    provider.scaleExternally(8);
    await clock.advance(30_000);
    queue.set({ pending: 0 });
    const d = await scaler.evaluate();
    expect(d).toMatchObject({ from: 8, to: 8, code: 'cooldown' });
    expect(d.reason).toContain('30 s ago');
  });

  it('ticks never overlap: a slow provider makes later slots skip', async () => {
    const clock = new FakeClock();
    let inFlight = 0;
    let most = 0;
    const inner = memoryProvider({ clock, initial: 1 });
    const slow: ScalingProvider = {
      name: 'slow',
      status: async (s) => {
        inFlight++;
        most = Math.max(most, inFlight);
        await new Promise<void>((r) => clock.setTimeout(r, 25_000));
        inFlight--;
        return inner.status(s);
      },
      scaleTo: (t, r) => inner.scaleTo(t, r),
    };
    const ticks: number[] = [];
    const scaler = new Autoscaler({
      clock,
      metrics: fixedMetric({ pending: 3 }),
      provider: slow,
      policy,
      max: 10,
      providerTimeoutMs: 60_000,
    });
    scaler.on('tick', (t) => ticks.push(t.durationMs));
    scaler.start();
    await clock.advance(100_000);
    const stopping = scaler.stop(); // waits for the tick that started at 90 s
    await clock.advance(25_000);
    await stopping;
    expect(most).toBe(1);
    // Slots at 0, 10, 20… ; each tick takes 25 s, so only the slots at 0, 30, 60, 90 find the loop free.
    expect(ticks).toEqual([25_000, 25_000, 25_000, 25_000]);
  });

  it('evaluate() during a tick waits for it, then runs its own', async () => {
    const clock = new FakeClock();
    const provider = memoryProvider({ clock, initial: 1, delayMs: 5_000 });
    const scaler = new Autoscaler({ clock, metrics: fixedMetric({ pending: 16 }), provider, policy, max: 10 });
    const order: string[] = [];
    scaler.on('tick', (t) => order.push(`tick ${t.decision.from}→${t.decision.to}`));
    const first = scaler.evaluate().then(() => order.push('first done'));
    await clock.advance(1_000); // the first tick is now waiting on the provider
    const second = scaler.evaluate().then(() => order.push('second done'));
    await clock.advance(30_000);
    await Promise.all([first, second]);
    expect(order).toEqual(['tick 1→4', 'first done', 'tick 4→4', 'second done']);
  });

  it('triggers that arrive while a tick waits to start share it: 20 concurrent triggers during a tick run one more', async () => {
    const clock = new FakeClock();
    const provider = memoryProvider({ clock, initial: 1, delayMs: 5_000 });
    const scaler = new Autoscaler({ clock, metrics: fixedMetric({ pending: 16 }), provider, policy, max: 10 });
    let ticks = 0;
    scaler.on('tick', () => ticks++);
    const inFlight = scaler.evaluate();
    await clock.advance(1_000);
    const triggers = Array.from({ length: 20 }, () => scaler.evaluate());
    await clock.advance(30_000);
    const decisions = await Promise.all(triggers);
    await inFlight;
    expect(ticks).toBe(2);
    // Every trigger got the same decision, from the tick that began after they asked.
    expect(new Set(decisions).size).toBe(1);
    expect(decisions[0]).toMatchObject({ from: 4, to: 4 });
    // And the next trigger, after that tick, runs a tick of its own.
    const later = scaler.evaluate();
    await clock.advance(30_000);
    expect(await later).not.toBe(decisions[0]);
    expect(ticks).toBe(3);
  });

  it('stop() during a slow provider call waits for it and leaves no timer behind (FakeClock)', async () => {
    const clock = new FakeClock();
    const provider = memoryProvider({ clock, initial: 1, delayMs: 20_000 });
    const scaler = new Autoscaler({ clock, metrics: fixedMetric({ pending: 16 }), provider, policy, max: 10 });
    scaler.start();
    await clock.advance(21_000); // status took 20 s; scaleTo is now in flight
    let stopped = false;
    const stopping = scaler.stop().then(() => {
      stopped = true;
    });
    await clock.advance(10_000);
    expect(stopped).toBe(false);
    await clock.advance(10_000); // scaleTo completes
    await stopping;
    expect(stopped).toBe(true);
    expect(provider.calls).toEqual([expect.objectContaining({ target: 4, ok: true })]);
    expect(clock.pendingTimers).toBe(0);
  });

  it('stop() leaves no timer behind on the system clock', async () => {
    // Track every timer the scaler sets through the system clock: each must have fired or been cleared.
    const realSet = globalThis.setTimeout;
    const open = new Set<unknown>();
    const set = vi.spyOn(globalThis, 'setTimeout').mockImplementation(((fn: () => void, ms?: number) => {
      const handle: unknown = realSet(() => {
        open.delete(handle);
        fn();
      }, ms);
      open.add(handle);
      return handle;
    }) as typeof setTimeout);
    const clear = vi.spyOn(globalThis, 'clearTimeout').mockImplementation(((h: unknown) => {
      open.delete(h);
      (globalThis.clearInterval as (h: unknown) => void)(h);
    }) as typeof clearTimeout);
    const timers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    const before = timers();
    try {
      const provider = memoryProvider({ initial: 1, delayMs: 150 });
      const scaler = new Autoscaler({ metrics: fixedMetric({ pending: 16 }), provider, policy, max: 10, intervalMs: 50 });
      scaler.start();
      await new Promise<void>((r) => realSet(r, 200));
      expect(timers()).toBeGreaterThan(before);
      expect(open.size).toBeGreaterThan(0);
      await scaler.stop();
      expect(open.size).toBe(0);
      expect(timers()).toBeLessThanOrEqual(before);
      expect(provider.workers).toHaveLength(4);
    } finally {
      set.mockRestore();
      clear.mockRestore();
    }
  });

  it('a listener that throws does not stop the loop', async () => {
    const { clock, scaler, decisions } = setup();
    scaler.on('decision', () => {
      throw new Error('listener bug');
    });
    scaler.start();
    await clock.advance(20_000);
    await scaler.stop();
    expect(decisions).toHaveLength(3);
  });

  it('a policy that throws or returns garbage holds with policy-error', async () => {
    const clock = new FakeClock();
    const provider = memoryProvider({ clock, initial: 3 });
    const broken = { name: 'broken', keys: ['pending'], propose: () => ({ desired: -1.5, reason: 'oops' }) };
    const scaler = new Autoscaler({ clock, metrics: fixedMetric({ pending: 1 }), provider, policy: broken, max: 10 });
    expect(await scaler.evaluate()).toMatchObject({ to: 3, code: 'policy-error' });
  });
});
