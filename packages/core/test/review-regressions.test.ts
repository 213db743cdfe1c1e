// Regressions for what an outside review broke in the Autoscaler and decide(); each test failed before its fix.
import { describe, expect, it } from 'vitest';
import {
  Autoscaler,
  type AutoscalerOptions,
  combine,
  DECISION_CODES,
  decide,
  type FleetStatus,
  initialState,
  type MetricSource,
  type ScalingProvider,
} from '../src/index.js';
import { parseAutoscalerOptions } from '../src/options.js';
import { FakeClock, fixedMetric, followMetric, memoryProvider, scriptedMetric } from '../src/testing/index.js';

const T0 = Date.UTC(2026, 0, 1);

/** Values that are not Errors and cannot be printed the usual way. */
const unprintable: [string, () => unknown][] = [
  ['Object.create(null)', () => Object.create(null)],
  [
    'an object whose toString throws',
    () => ({
      toString: () => {
        throw new Error('toString');
      },
    }),
  ],
  ['a string', () => 'plain text'],
  ['undefined', () => undefined],
];

function scalerWith(overrides: Partial<AutoscalerOptions>) {
  const clock = new FakeClock(T0);
  const options = {
    clock,
    metrics: fixedMetric({ desired: 3 }),
    provider: memoryProvider({ clock, initial: 5 }),
    policy: followMetric(),
    max: 10,
    ...overrides,
  };
  const scaler = new Autoscaler(options as AutoscalerOptions);
  const errors: { phase: string; message: string }[] = [];
  scaler.on('error', (e) => errors.push({ phase: e.phase, message: e.error.message }));
  return { scaler, clock, errors };
}

describe('a partial policy under a partial outage', () => {
  const config = (mode: 'min' | 'sum' | 'max') =>
    parseAutoscalerOptions({
      metrics: fixedMetric({}),
      provider: memoryProvider(),
      policy: combine({ mode }, followMetric('a'), followMetric('b')),
      min: 1,
      max: 10,
      cooldown: { down: 0 },
    });

  it.each(['min', 'sum', 'max'] as const)('mode %s: wants to scale down while a key is out, holds with metric-outage', (mode) => {
    const { decision } = decide(config(mode), initialState(), {
      now: T0,
      status: { target: 8, ready: 8 },
      // b is out; a alone wants 2: min → 2, sum → 2 + 8 (b holds at current) = 10 → no scale-down either way.
      metrics: { a: 2 },
    });
    expect(DECISION_CODES).toContain(decision.code);
    expect(decision.to).toBeGreaterThanOrEqual(8);
  });

  it('mode min: the Autoscaler yields a hold decision and an error event, not a rejected tick', async () => {
    const a = fixedMetric({ a: 1 }, 'a');
    const b: MetricSource = {
      name: 'b',
      read: async () => {
        throw new Error('b is down');
      },
    };
    const { scaler, errors } = scalerWith({
      metrics: [a, b],
      policy: combine({ mode: 'min' }, followMetric('a'), followMetric('b')),
      cooldown: { down: 0 },
    });
    const d = await scaler.evaluate();
    expect(d).toMatchObject({ action: 'hold', from: 5, to: 5, code: 'metric-outage' });
    expect(errors).toEqual([{ phase: 'metric', message: expect.stringContaining('b is down') }]);
  });
});

describe('an activation metric in outage (found by the adversarial property test)', () => {
  it('never takes the fleet to zero, and its outage is reported', async () => {
    const clock = new FakeClock(T0);
    const wake: MetricSource = {
      name: 'wake',
      read: async () => {
        throw new Error('wake metric down');
      },
    };
    const scaler = new Autoscaler({
      clock,
      metrics: [fixedMetric({ desired: 0 }), wake],
      provider: memoryProvider({ clock, initial: 1 }),
      policy: followMetric(),
      min: 0,
      max: 5,
      cooldown: { down: 0 },
      activation: { metric: 'wake', above: 0 },
    });
    const errors: string[] = [];
    scaler.on('error', (e) => errors.push(e.error.message));
    for (let i = 0; i < 3; i++) {
      expect(await scaler.evaluate()).toMatchObject({ to: 1, code: 'metric-outage' });
      await clock.advance(60_000);
    }
    expect(errors.some((m) => m.includes('wake metric down'))).toBe(true);
  });
});

describe('a metric key that no source gives', () => {
  it('is an outage with an error event naming the key', async () => {
    // A source that does not declare its keys: the Autoscaler learns only from its readings (see source-keys.test.ts).
    const { scaler, errors } = scalerWith({ metrics: scriptedMetric([{ other: 3 }]) });
    expect(await scaler.evaluate()).toMatchObject({ code: 'metric-outage', to: 5 });
    expect(errors).toEqual([
      {
        phase: 'metric',
        message:
          "[fleet] [core] metric 'desired' is provided by no source: the sources gave 'other'; ticks hold until a source gives it (reported once)",
      },
    ]);
  });
});

describe('a negative reading', () => {
  it('is an outage of its key: hold, with an error event naming the key', async () => {
    const { scaler, errors } = scalerWith({ metrics: fixedMetric({ desired: -1 }), cooldown: { down: 0 } });
    const d = await scaler.evaluate();
    expect(d).toMatchObject({ action: 'hold', to: 5, code: 'metric-outage' });
    expect(errors).toEqual([{ phase: 'metric', message: expect.stringMatching(/'desired' .* is -1, below zero/) }]);
  });

  it('is a value when signedMetrics lists its key', async () => {
    const clock = new FakeClock(T0);
    const provider = memoryProvider({ clock, initial: 5 });
    const scaler = new Autoscaler({
      clock,
      metrics: fixedMetric({ delta: -2 }),
      provider,
      policy: {
        name: 'delta',
        keys: ['delta'],
        propose: ({ metrics, current }) => ({ desired: current + (metrics.delta as number), reason: 'delta' }),
      },
      signedMetrics: ['delta'],
      max: 10,
      cooldown: { down: 0 },
    });
    expect(await scaler.evaluate()).toMatchObject({ action: 'scale-down', to: 3 });
  });
});

describe('thrown values that are not Errors', () => {
  it.each(unprintable)('a metric source throwing %s: a hold decision and an error event', async (_, value) => {
    const { scaler, errors } = scalerWith({
      metrics: {
        name: 'odd',
        read: async () => {
          throw value();
        },
      },
    });
    const d = await scaler.evaluate();
    expect(d).toMatchObject({ action: 'hold', code: 'metric-outage' });
    expect(errors).toHaveLength(1);
    expect(errors[0]?.phase).toBe('metric');
  });

  it.each(unprintable)('a provider status throwing %s: a provider-error decision and an error event', async (_, value) => {
    const provider: ScalingProvider = {
      name: 'odd',
      status: async () => {
        throw value();
      },
      scaleTo: async () => {},
    };
    const { scaler, errors } = scalerWith({ provider });
    expect(await scaler.evaluate()).toMatchObject({ action: 'hold', code: 'provider-error' });
    expect(errors.map((e) => e.phase)).toEqual(['provider']);
  });

  it.each(unprintable)('a scaleTo throwing %s: the decision stands and an error event follows', async (_, value) => {
    const provider: ScalingProvider = {
      name: 'odd',
      status: async () => ({ target: 5, ready: 5 }),
      scaleTo: async () => {
        throw value();
      },
    };
    const { scaler, errors } = scalerWith({ provider, cooldown: { down: 0 } });
    expect(await scaler.evaluate()).toMatchObject({ action: 'scale-down', to: 3 });
    expect(errors.map((e) => e.phase)).toEqual(['provider']);
  });

  it.each(unprintable)('a policy throwing %s: a policy-error hold', async (_, value) => {
    const { scaler } = scalerWith({
      policy: {
        name: 'odd',
        keys: ['desired'],
        propose: () => {
          throw value();
        },
      },
    });
    expect(await scaler.evaluate()).toMatchObject({ action: 'hold', code: 'policy-error' });
  });

  it('an error listener that throws Object.create(null) does not break the tick', async () => {
    const { scaler } = scalerWith({
      metrics: {
        name: 'odd',
        read: async () => {
          throw new Error('x');
        },
      },
    });
    scaler.on('error', () => {
      throw Object.create(null);
    });
    expect(await scaler.evaluate()).toMatchObject({ code: 'metric-outage' });
  });
});

describe('durations beyond what Node timers hold', () => {
  it.each(['intervalMs', 'metricTimeoutMs', 'providerTimeoutMs'])('%s: 2^31 is refused, naming the field', (field) => {
    expect(() => scalerWith({ [field]: 2 ** 31 })).toThrow(new RegExp(`${field}: at most 2147483647 ms`));
  });
  it('intervalMs 2^31 − 1 is accepted', () => {
    expect(() => scalerWith({ intervalMs: 2 ** 31 - 1 })).not.toThrow();
  });
});

describe("a provider's lastScaledAt ahead of our clock", () => {
  it('counts from when it was first seen, warns once, and lets scale-down happen after cooldown.down', async () => {
    const clock = new FakeClock(T0);
    const ahead = T0 + 365 * 24 * 3600_000;
    let target = 5;
    const provider: ScalingProvider = {
      name: 'ahead',
      status: async (): Promise<FleetStatus> => ({ target, ready: target, lastScaledAt: ahead, lastScaleDirection: 'up' }),
      scaleTo: async (n) => {
        target = n;
      },
    };
    const warnings: string[] = [];
    const logger = { info() {}, warn: (...args: unknown[]) => void warnings.push(String(args[1])), error() {} };
    const scaler = new Autoscaler({
      clock,
      metrics: fixedMetric({ desired: 3 }),
      provider,
      policy: followMetric(),
      max: 10,
      cooldown: { down: 60_000 },
      logger,
    });
    const first = await scaler.evaluate();
    expect(first).toMatchObject({ code: 'cooldown', to: 5 });
    expect(first.reason).not.toMatch(/-\d/);
    await clock.advance(59_000);
    expect(await scaler.evaluate()).toMatchObject({ code: 'cooldown' });
    await clock.advance(1_000);
    expect(await scaler.evaluate()).toMatchObject({ action: 'scale-down', to: 3 });
    expect(warnings.filter((w) => w.includes('in the future'))).toHaveLength(1);
  });

  it('decide() alone reads a future lastScaledAt as now: the reason never says a negative time', () => {
    const config = parseAutoscalerOptions({ metrics: fixedMetric({}), provider: memoryProvider(), policy: followMetric(), max: 10 });
    const { decision } = decide(config, initialState(), {
      now: T0,
      status: { target: 5, ready: 5, lastScaledAt: T0 + 1e9 },
      metrics: { desired: 3 },
    });
    expect(decision).toMatchObject({ code: 'cooldown' });
    expect(decision.reason).toContain('was 0 ms ago');
  });
});

describe('snapshot() agrees with the next tick', () => {
  it('a provider-reported scale-up inside cooldown.up: canScaleUp is false and the tick holds on cooldown', async () => {
    const clock = new FakeClock(T0);
    const metric = fixedMetric({ desired: 5 });
    const provider: ScalingProvider = {
      name: 'external',
      status: async () => ({ target: 5, ready: 5, lastScaledAt: T0 - 10_000, lastScaleDirection: 'up' }),
      scaleTo: async () => {},
    };
    const scaler = new Autoscaler({
      clock,
      metrics: metric,
      provider,
      policy: followMetric(),
      max: 10,
      cooldown: { up: 60_000, down: 60_000 },
    });
    await scaler.evaluate();
    expect(scaler.snapshot()).toMatchObject({ canScaleUp: false, canScaleDown: false });
    metric.set({ desired: 8 });
    expect(await scaler.evaluate()).toMatchObject({ code: 'cooldown', to: 5 });
  });

  it('a rate limit that is used up: canScaleUp is false and the tick is rate-limited', async () => {
    const clock = new FakeClock(T0);
    const metric = fixedMetric({ desired: 6 });
    const scaler = new Autoscaler({
      clock,
      metrics: metric,
      provider: memoryProvider({ clock, initial: 5 }),
      policy: followMetric(),
      max: 10,
      cooldown: { up: 0 },
      rateLimit: { up: { limits: [{ workers: 1, periodMs: 60_000 }] } },
    });
    expect(await scaler.evaluate()).toMatchObject({ to: 6 });
    expect(scaler.snapshot().canScaleUp).toBe(false);
    metric.set({ desired: 9 });
    expect(await scaler.evaluate()).toMatchObject({ code: 'rate-limited', to: 6 });
    await clock.advance(60_000);
    expect(scaler.snapshot().canScaleUp).toBe(true);
  });
});
