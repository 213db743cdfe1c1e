// Random option sets, readings and faults for the adversarial property test of the Autoscaler. Shared by the test in
// `pnpm test` and the deep run (`pnpm test:deep`), which differ only in how many cases they draw.
import fc from 'fast-check';
import {
  type AutoscalerOptions,
  ceilTarget,
  combine,
  type FleetStatus,
  type Policy,
  queueLatency,
  type ScalingProvider,
  schedule,
  targetTracking,
  thresholds,
  utilization,
} from '../../src/index.js';
import type { FakeClock } from '../../src/testing/index.js';
import { followMetric } from '../../src/testing/index.js';

export const KEYS = ['a', 'b', 'c'] as const;
export type Key = (typeof KEYS)[number];

/** A policy, built lazily (policies validate when built) from a plain description that prints well. */
export type PolicySpec =
  | { kind: 'ceil'; key: Key; perWorker: number; up: number; down: number; divisor?: number }
  | { kind: 'utilization'; key: Key; capacity: number; up: number; down: number; step: number }
  | { kind: 'thresholds'; key: Key; above: number; below: number; perWorker: boolean }
  | { kind: 'tracking'; key: Key; value: number; average: boolean; tolerance: number }
  | { kind: 'latency'; key: Key; rate?: Key; age?: Key; serviceTimeMs: number; targetWaitMs: number }
  | { kind: 'follow'; key: Key }
  | { kind: 'combine'; mode: 'max' | 'min' | 'sum'; parts: PolicySpec[] }
  | { kind: 'schedule'; inner: PolicySpec; windows: { cron: string; durationMs: number; min?: number; max?: number }[] };

export function buildPolicy(s: PolicySpec): Policy {
  switch (s.kind) {
    case 'ceil':
      return ceilTarget({
        metric: s.key,
        perWorker: s.perWorker,
        scaleUpAbove: s.up,
        scaleDownBelow: s.down,
        ...(s.divisor ? { downDivisor: s.divisor } : {}),
      });
    case 'utilization':
      return utilization({ metric: s.key, capacityPerWorker: s.capacity, scaleUpAbove: s.up, scaleDownBelow: s.down, step: s.step });
    case 'thresholds':
      return thresholds({
        up: [{ metric: s.key, above: s.above, perWorker: s.perWorker }],
        down: [{ metric: s.key, below: s.below, perWorker: s.perWorker }],
      });
    case 'tracking':
      return targetTracking({
        metric: s.key,
        ...(s.average ? { averageValue: s.value } : { targetValue: s.value }),
        tolerance: s.tolerance,
      });
    case 'latency':
      return queueLatency({
        backlog: s.key,
        ...(s.rate ? { arrivalRate: s.rate } : {}),
        ...(s.age ? { oldestAge: s.age } : {}),
        serviceTimeMs: s.serviceTimeMs,
        targetWaitMs: s.targetWaitMs,
      });
    case 'follow':
      return followMetric(s.key);
    case 'combine':
      return combine({ mode: s.mode }, ...s.parts.map(buildPolicy));
    case 'schedule':
      return schedule(buildPolicy(s.inner), s.windows);
  }
}

const key = fc.constantFrom(...KEYS);
const positive = fc.integer({ min: 1, max: 50 });

const leaf: fc.Arbitrary<PolicySpec> = fc.oneof(
  fc
    .record({
      key,
      perWorker: positive,
      up: positive,
      down: fc.integer({ min: 0, max: 50 }),
      divisor: fc.option(positive, { nil: undefined }),
    })
    .map(({ up, down, ...r }) => ({ kind: 'ceil' as const, up: Math.max(up, down), down: Math.min(up, down), ...r })),
  fc
    .record({
      key,
      capacity: positive,
      up: fc.integer({ min: 0, max: 100 }),
      down: fc.integer({ min: 0, max: 100 }),
      step: fc.integer({ min: 1, max: 4 }),
    })
    .map(({ up, down, ...r }) => ({ kind: 'utilization' as const, up: Math.max(up, down) / 100, down: Math.min(up, down) / 100, ...r })),
  fc
    .record({ key, above: fc.integer({ min: 0, max: 100 }), below: fc.integer({ min: 0, max: 100 }), perWorker: fc.boolean() })
    .map((r) => ({ kind: 'thresholds' as const, ...r })),
  fc
    .record({ key, value: positive, average: fc.boolean(), tolerance: fc.integer({ min: 0, max: 50 }).map((t) => t / 100) })
    .map((r) => ({ kind: 'tracking' as const, ...r })),
  fc
    .record({
      key,
      rate: fc.option(key, { nil: undefined }),
      age: fc.option(key, { nil: undefined }),
      serviceTimeMs: fc.integer({ min: 1, max: 20_000 }),
      targetWaitMs: fc.integer({ min: 1, max: 60_000 }),
    })
    .map((r) => ({ kind: 'latency' as const, ...r })),
  key.map((k) => ({ kind: 'follow' as const, key: k })),
);

const cron = fc.constantFrom('*/2 * * * *', '*/5 * * * *', '0 * * * *', '30 9 * * *');

export const policySpec: fc.Arbitrary<PolicySpec> = fc.oneof(
  { weight: 4, arbitrary: leaf },
  {
    weight: 2,
    arbitrary: fc
      .record({
        mode: fc.constantFrom('max' as const, 'min' as const, 'sum' as const),
        parts: fc.array(leaf, { minLength: 2, maxLength: 3 }),
      })
      .map((r) => ({ kind: 'combine' as const, ...r })),
  },
  {
    weight: 1,
    arbitrary: fc
      .record({
        inner: fc.oneof(
          leaf,
          fc
            .record({ mode: fc.constantFrom('max' as const, 'min' as const), parts: fc.array(leaf, { minLength: 2, maxLength: 2 }) })
            .map((r) => ({ kind: 'combine' as const, ...r })),
        ),
        windows: fc.array(
          fc
            .record({
              cron,
              durationMs: fc.integer({ min: 1, max: 40 }).map((k) => k * 15_000),
              lo: fc.integer({ min: 0, max: 12 }),
              hi: fc.integer({ min: 0, max: 12 }),
              which: fc.constantFrom('min' as const, 'max' as const, 'both' as const),
            })
            .map(({ lo, hi, which, ...w }) => ({
              ...w,
              ...(which !== 'max' ? { min: Math.min(lo, hi) } : {}),
              ...(which !== 'min' ? { max: Math.max(lo, hi) } : {}),
            })),
          { minLength: 1, maxLength: 2 },
        ),
      })
      .map((r) => ({ kind: 'schedule' as const, ...r })),
  },
);

const grid = (steps: number) => fc.integer({ min: 0, max: steps }).map((k) => k * 5_000);
const period = fc.integer({ min: 1, max: 24 }).map((k) => k * 5_000);
const rateDirection = fc.record({
  limits: fc.array(
    fc.oneof(
      fc.record({ workers: fc.integer({ min: 1, max: 6 }), periodMs: period }),
      fc.record({ percent: fc.integer({ min: 1, max: 250 }), periodMs: period }),
    ),
    { minLength: 1, maxLength: 2 },
  ),
  select: fc.constantFrom('max' as const, 'min' as const, 'disabled' as const),
});

/** The Autoscaler options drawn from the whole schema; `metrics`, `provider`, `clock` and `policy` come later. */
export type OptionSpec = Omit<AutoscalerOptions, 'metrics' | 'provider' | 'clock' | 'policy'> & { min: number; max: number };

export const optionSpec: fc.Arbitrary<OptionSpec> = fc
  .record({
    min: fc.integer({ min: 0, max: 4 }),
    span: fc.integer({ min: 0, max: 12 }),
    cooldown: fc.record({ up: grid(12), down: grid(24) }),
    stabilization: fc.record({ up: grid(6), down: grid(24) }),
    rateLimit: fc.record({ up: fc.option(rateDirection, { nil: undefined }), down: fc.option(rateDirection, { nil: undefined }) }),
    onMetricError: fc.oneof(
      fc.constant({ action: 'hold' as const }),
      fc.record({ action: fc.constant('fail-open' as const), after: fc.integer({ min: 1, max: 3 }) }),
      fc.record({ action: fc.constant('fallback' as const), pick: fc.nat(), after: fc.integer({ min: 1, max: 3 }) }),
    ),
    activation: fc.option(fc.record({ metric: key, above: fc.integer({ min: 0, max: 5 }) }), { nil: undefined }),
    dryRun: fc.nat(7).map((n) => n === 0),
  })
  .map(({ min, span, onMetricError, activation, rateLimit, ...rest }) => {
    const max = min + span;
    const o: OptionSpec = {
      ...rest,
      min,
      max,
      intervalMs: 10_000,
      rateLimit: {
        ...(rateLimit.up ? { up: rateLimit.up } : {}),
        ...(rateLimit.down ? { down: rateLimit.down } : {}),
      },
      onMetricError:
        onMetricError.action === 'fallback'
          ? { action: 'fallback', replicas: min + (onMetricError.pick % (span + 1)), after: onMetricError.after }
          : onMetricError,
    };
    // Activation needs min 0, as the schema says.
    if (activation && min === 0) o.activation = activation;
    return o;
  });

/** What one source does on one tick. */
export type Reading =
  | { kind: 'value'; value: number }
  | { kind: 'bad-value'; value: number | string }
  | { kind: 'missing' }
  | { kind: 'throw'; what: 'error' | 'null-proto' | 'string' | 'bad-toString' | 'undefined' }
  | { kind: 'timeout' };

export const reading: fc.Arbitrary<Reading> = fc.oneof(
  { weight: 12, arbitrary: fc.integer({ min: 0, max: 200 }).map((value) => ({ kind: 'value' as const, value })) },
  { weight: 1, arbitrary: fc.constantFrom(1e308, 2 ** 53 + 1, 0.5, 1e-300).map((value) => ({ kind: 'value' as const, value })) },
  {
    weight: 1,
    arbitrary: fc
      .constantFrom(-1, -1e308, Number.NaN, Number.POSITIVE_INFINITY, '12')
      .map((value) => ({ kind: 'bad-value' as const, value })),
  },
  { weight: 1, arbitrary: fc.constant({ kind: 'missing' as const }) },
  {
    weight: 1,
    arbitrary: fc
      .constantFrom('error', 'null-proto', 'string', 'bad-toString', 'undefined')
      .map((what) => ({ kind: 'throw' as const, what })),
  },
  { weight: 1, arbitrary: fc.constant({ kind: 'timeout' as const }) },
);

export function thrown(what: Extract<Reading, { kind: 'throw' }>['what']): unknown {
  switch (what) {
    case 'error':
      return new Error('source failed: GET https://user:pw@metrics.test/q?api_key=SECRET');
    case 'null-proto':
      return Object.create(null);
    case 'string':
      return 'plain string';
    case 'bad-toString':
      return {
        toString() {
          throw new Error('toString');
        },
      };
    case 'undefined':
      return undefined;
  }
}

/** What the provider does on one tick. */
export type ProviderFault =
  | { kind: 'none' }
  | { kind: 'status-throws'; what: Extract<Reading, { kind: 'throw' }>['what'] }
  | { kind: 'status-garbage'; status: unknown }
  | { kind: 'scale-throws'; what: Extract<Reading, { kind: 'throw' }>['what'] }
  | { kind: 'external'; target: number }
  | { kind: 'clock-ahead'; byMs: number };

export const providerFault: fc.Arbitrary<ProviderFault> = fc.oneof(
  { weight: 14, arbitrary: fc.constant({ kind: 'none' as const }) },
  {
    weight: 1,
    arbitrary: fc.constantFrom('error', 'null-proto', 'bad-toString').map((what) => ({ kind: 'status-throws' as const, what })),
  },
  {
    weight: 1,
    arbitrary: fc
      .constantFrom<unknown>({ target: -1, ready: 0 }, { target: Number.NaN, ready: 1 }, null, { ready: 2 }, { target: 1.5, ready: 1 })
      .map((status) => ({ kind: 'status-garbage' as const, status })),
  },
  { weight: 1, arbitrary: fc.constantFrom('error', 'null-proto', 'string').map((what) => ({ kind: 'scale-throws' as const, what })) },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 20 }).map((target) => ({ kind: 'external' as const, target })) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 10 ** 9 }).map((byMs) => ({ kind: 'clock-ahead' as const, byMs })) },
);

/** An operator's action before a tick. */
export type ModeChange =
  | { kind: 'none' }
  | { kind: 'pause'; scope: 'all' | 'scaleIn' | 'scaleOut' }
  | { kind: 'resume' }
  | { kind: 'override'; replicas: number; forMs: number }
  | { kind: 'clear-override' };

export const modeChange: fc.Arbitrary<ModeChange> = fc.oneof(
  { weight: 20, arbitrary: fc.constant({ kind: 'none' as const }) },
  {
    weight: 1,
    arbitrary: fc.constantFrom('all' as const, 'scaleIn' as const, 'scaleOut' as const).map((scope) => ({ kind: 'pause' as const, scope })),
  },
  { weight: 2, arbitrary: fc.constant({ kind: 'resume' as const }) },
  {
    weight: 1,
    arbitrary: fc
      .record({ replicas: fc.integer({ min: 0, max: 20 }), forMs: fc.integer({ min: 1, max: 120_000 }) })
      .map((r) => ({ kind: 'override' as const, ...r })),
  },
  { weight: 1, arbitrary: fc.constant({ kind: 'clear-override' as const }) },
);

export interface TickSpec {
  dt: number;
  readings: Record<Key, Reading>;
  provider: ProviderFault;
  mode: ModeChange;
}

export const tickSpec: fc.Arbitrary<TickSpec> = fc.record({
  dt: fc.oneof(fc.constant(0), grid(24), fc.integer({ min: 1, max: 120_000 })),
  readings: fc.record({ a: reading, b: reading, c: reading }),
  provider: providerFault,
  mode: modeChange,
});

/** A fleet in memory whose every call can be made to fail, and whose `calls` the test reads. */
export class FaultyFleet implements ScalingProvider {
  readonly name = 'faulty';
  target: number;
  lastScaledAt: number | undefined;
  lastScaleDirection: 'up' | 'down' | undefined;
  fault: ProviderFault = { kind: 'none' };
  scaleCalls = 0;

  constructor(
    private readonly clock: FakeClock,
    initial: number,
  ) {
    this.target = initial;
  }

  async status(): Promise<FleetStatus> {
    const f = this.fault;
    if (f.kind === 'status-throws') throw thrown(f.what);
    if (f.kind === 'status-garbage') return f.status as FleetStatus;
    return {
      target: this.target,
      ready: this.target,
      ...(this.lastScaledAt !== undefined ? { lastScaledAt: this.lastScaledAt } : {}),
      ...(this.lastScaleDirection ? { lastScaleDirection: this.lastScaleDirection } : {}),
    };
  }

  async scaleTo(target: number): Promise<void> {
    this.scaleCalls++;
    if (this.fault.kind === 'scale-throws') throw thrown(this.fault.what);
    if (target === this.target) return;
    this.lastScaleDirection = target > this.target ? 'up' : 'down';
    this.lastScaledAt = this.clock.now();
    this.target = target;
  }
}
