import { describe, expect, it } from 'vitest';
import { ceilTarget, combine, type Policy, queueLatency, rateOf, schedule, targetTracking, thresholds, utilization } from '../src/index.js';
import { FakeClock, fixedMetric } from '../src/testing/index.js';

const at = (p: Policy, metrics: Record<string, number>, current: number, ready = current) =>
  p.propose({ metrics, current, ready, starting: current - ready, now: 0 });

describe('exact boundaries (they belong to the dead band)', () => {
  it('utilization: 0.3 and 0.8 are holds even where floating point says otherwise', () => {
    // In doubles, 1200 / 4000 is 0.3 but 0.1 + 0.2 is 0.30000000000000004: only exact arithmetic is safe.
    const p = utilization({ metric: 'm', capacityPerWorker: 1000, scaleUpAbove: 0.8, scaleDownBelow: 0.3 });
    expect(at(p, { m: 1200 }, 4).code).toBe('within-tolerance');
    expect(at(p, { m: 3200 }, 4).code).toBe('within-tolerance');
    expect(at(p, { m: 3201 }, 4).desired).toBe(5);
    expect(at(p, { m: 1199 }, 4).desired).toBe(3);
    const tenths = utilization({ metric: 'm', capacityPerWorker: 10, scaleUpAbove: 0.7, scaleDownBelow: 0.1 + 0.2 });
    expect(at(tenths, { m: 9 }, 3).desired).toBe(2); // 0.3 < 0.30000000000000004: the user's own float, compared exactly
    const exact = utilization({ metric: 'm', capacityPerWorker: 10, scaleUpAbove: 0.7, scaleDownBelow: 0.3 });
    expect(at(exact, { m: 9 }, 3).code).toBe('within-tolerance');
    expect(at(exact, { m: 21 }, 3).code).toBe('within-tolerance'); // 0.7 exactly
  });

  it('ceilTarget: 8/worker and 2/worker hold; 7.5 as a divisor is exact', () => {
    const p = ceilTarget({ metric: 'p', perWorker: 5, scaleUpAbove: 8, scaleDownBelow: 2, downDivisor: 7.5 });
    expect(at(p, { p: 32 }, 4).code).toBe('within-tolerance');
    expect(at(p, { p: 8 }, 4).code).toBe('within-tolerance');
    expect(at(p, { p: 33 }, 4).desired).toBe(7);
    expect(at(p, { p: 15 }, 8).desired).toBe(2); // 15/7.5 = 2 exactly, not 3
  });

  it('targetTracking: tolerance edges hold, per direction', () => {
    const p = targetTracking({ metric: 'cpu', targetValue: 50, tolerance: { up: 0.1, down: 0.2 } });
    expect(at(p, { cpu: 55 }, 4).code).toBe('within-tolerance'); // ratio 1.1
    expect(at(p, { cpu: 40 }, 4).code).toBe('within-tolerance'); // ratio 0.8
    expect(at(p, { cpu: 55.5 }, 4).desired).toBe(5); // ceil(4 × 1.11)
    expect(at(p, { cpu: 39 }, 4).desired).toBe(4); // ceil(4 × 0.78) = 4
    expect(at(p, { cpu: 30 }, 4).desired).toBe(3);
  });
});

describe('zero workers', () => {
  it('per-worker load is infinite with work and zero without; only min floors the result', () => {
    const c = ceilTarget({ metric: 'p', perWorker: 5, scaleUpAbove: 8, scaleDownBelow: 2 });
    expect(at(c, { p: 3 }, 0).desired).toBe(1);
    expect(at(c, { p: 0 }, 0).desired).toBe(0);
    const u = utilization({ metric: 'm', capacityPerWorker: 1000, scaleUpAbove: 0.8, scaleDownBelow: 0.3 });
    expect(at(u, { m: 1 }, 0).desired).toBe(1);
    expect(at(u, { m: 0 }, 0).desired).toBe(0);
    const t = thresholds({ up: [{ metric: 'q', above: 3, perWorker: true }], down: [{ metric: 'q', atMost: 0 }] });
    expect(at(t, { q: 1 }, 0).desired).toBe(1);
    expect(at(targetTracking({ metric: 'q', averageValue: 5 }), { q: 12 }, 0).desired).toBe(3);
  });
});

describe('targetTracking forms', () => {
  it('averageValue: ceil(total / perWorker), with the ratio over the current size for tolerance', () => {
    const p = targetTracking({ metric: 'pending', averageValue: 5 });
    expect(at(p, { pending: 52 }, 10).code).toBe('within-tolerance'); // 5.2/worker: ratio 1.04
    expect(at(p, { pending: 80 }, 10).desired).toBe(16);
  });

  it('basis ready uses the ready count as HPA does for object metrics', () => {
    const p = targetTracking({ metric: 'rps', targetValue: 100, basis: 'ready' });
    expect(at(p, { rps: 300 }, 5, 2).desired).toBe(6);
  });
});

describe('queueLatency', () => {
  it('sizes for arrivals plus backlog within the target wait, and never shrinks while late', () => {
    const p = queueLatency({ backlog: 'ready', arrivalRate: 'rate', oldestAge: 'age', serviceTimeMs: 2_000, targetWaitMs: 10_000 });
    // 3/s × 2 s = 6 busy workers, + 20 × 2 s / 10 s = 4 to clear the backlog in time.
    expect(at(p, { ready: 20, rate: 3, age: 1_000 }, 4).desired).toBe(10);
    expect(at(p, { ready: 0, rate: 0.5, age: 0 }, 4).desired).toBe(1);
    const late = at(p, { ready: 0, rate: 0.5, age: 12_000 }, 4);
    expect(late.desired).toBe(4);
    expect(late.reason).toContain('no scale-down');
  });

  it('rateOf derives arrivals per second from a monotonic counter', async () => {
    const clock = new FakeClock();
    const counter = fixedMetric({ enqueuedTotal: 100 });
    const source = rateOf(counter, { counter: 'enqueuedTotal', as: 'arrivalRate', clock });
    const signal = new AbortController().signal;
    expect(await source.read(signal)).not.toHaveProperty('arrivalRate'); // no rate on the first read
    await clock.advance(10_000);
    counter.set({ enqueuedTotal: 130 });
    expect((await source.read(signal)).arrivalRate).toEqual({ value: 3, at: clock.now() });
    counter.set({ enqueuedTotal: 5 }); // restarted: no rate rather than a negative one
    await clock.advance(1_000);
    expect(await source.read(signal)).not.toHaveProperty('arrivalRate');
  });
});

describe('combine', () => {
  const a = targetTracking({ metric: 'a', averageValue: 1 });
  const b = targetTracking({ metric: 'b', averageValue: 1 });
  it('max, min and sum', () => {
    expect(at(combine({ mode: 'max' }, a, b), { a: 3, b: 7 }, 5).desired).toBe(7);
    expect(at(combine({ mode: 'min' }, a, b), { a: 3, b: 7 }, 5).desired).toBe(3);
    expect(at(combine({ mode: 'sum' }, a, b), { a: 3, b: 7 }, 5).desired).toBe(10);
  });
  it('a policy with missing data votes to hold', () => {
    const p = combine({}, a, b);
    expect(at(p, { a: 9 }, 5).desired).toBe(9);
    expect(at(p, { a: 1 }, 5)).toMatchObject({ desired: 5, code: 'metric-outage' });
    expect(at(combine({ mode: 'sum' }, a, b), { a: 1 }, 5)).toMatchObject({ desired: 5, code: 'metric-outage' });
  });
  it('refuses things that are not policies', () => {
    expect(() => combine({}, {} as Policy)).toThrow(/policy 1 is not a Policy/);
    expect(() => combine({})).toThrow(/at least one policy/);
  });
});

describe('schedule', () => {
  it('overlapping windows: the highest min and the lowest max apply', () => {
    const p = schedule(targetTracking({ metric: 'a', averageValue: 1 }), [
      { cron: '0 0 * * *', durationMs: 86_400_000, min: 2, max: 20 },
      { name: 'nightly batch', cron: '0 1 * * *', durationMs: 3_600_000, min: 5, max: 8 },
    ]);
    expect(p.bounds?.(Date.UTC(2026, 0, 1, 1, 30))).toMatchObject({ min: 5, max: 8 });
    expect(p.bounds?.(Date.UTC(2026, 0, 1, 3, 0))).toMatchObject({ min: 2, max: 20 });
  });
  it('refuses a bad cron expression, naming the window', () => {
    expect(() => schedule(targetTracking({ metric: 'a', averageValue: 1 }), [{ cron: 'every day', durationMs: 1, min: 1 }])).toThrow(
      /0\.cron: expected a cron expression/,
    );
  });
});

describe('policy options are validated with the field named', () => {
  it.each([
    [
      () => ceilTarget({ metric: 'p', perWorker: 0, scaleUpAbove: 8, scaleDownBelow: 2 }),
      /ceilTarget\(\) options: perWorker: .*got 0 \(number\)/,
    ],
    [
      () => ceilTarget({ metric: 'p', perWorker: 5, scaleUpAbove: 2, scaleDownBelow: 8 }),
      /scaleDownBelow: scaleDownBelow must not be above scaleUpAbove/,
    ],
    [
      () => utilization({ metric: '', capacityPerWorker: 1, scaleUpAbove: 0.8, scaleDownBelow: 0.3 }),
      /metric: expected a non-empty metric key/,
    ],
    [
      () => thresholds({ up: [{ metric: 'cpu', above: 1, below: 2 }], down: [{ metric: 'cpu', below: 1 }] }),
      /up\.0: expected exactly one of above/,
    ],
    [() => targetTracking({ metric: 'cpu' }), /expected exactly one of targetValue, averageValue/],
    [() => targetTracking({ metric: 'cpu', targetValue: 1, tolerance: 2 }), /tolerance/],
  ])('%#', (build, message) => {
    expect(build).toThrow(message);
  });
});
