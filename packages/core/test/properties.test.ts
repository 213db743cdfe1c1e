import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  Autoscaler,
  type AutoscalerOptions,
  type Decision,
  decide,
  initialState,
  type RateLimitDirection,
  type ResolvedOptions,
  recordScale,
  type ScalerState,
} from '../src/index.js';
import { parseAutoscalerOptions } from '../src/options.js';
import { FakeClock, fixedMetric, followMetric, memoryProvider } from '../src/testing/index.js';

const T0 = Date.UTC(2026, 0, 1);

/** Proposes the reading of `desired` as is, so arbitrary readings are arbitrary desires for the rules. */
const echo = followMetric();

// Periods and windows on a 5 s grid, so that steps land exactly on their boundaries as well as inside them.
const grid = (maxSteps: number) => fc.integer({ min: 0, max: maxSteps }).map((k) => k * 5_000);
const period = fc.integer({ min: 1, max: 24 }).map((k) => k * 5_000);
const limit = fc.oneof(
  fc.record({ workers: fc.integer({ min: 1, max: 6 }), periodMs: period }),
  fc.record({ percent: fc.integer({ min: 1, max: 250 }), periodMs: period }),
);
const direction: fc.Arbitrary<RateLimitDirection> = fc.record({
  limits: fc.array(limit, { minLength: 1, maxLength: 3 }),
  select: fc.constantFrom('max' as const, 'min' as const, 'disabled' as const),
});

/** The rule options under test, plain so that a counterexample reads well. */
type RuleOptions = Pick<ResolvedOptions, 'min' | 'max' | 'cooldown' | 'stabilization' | 'rateLimit'>;
const configArb: fc.Arbitrary<RuleOptions> = fc
  .record({
    min: fc.integer({ min: 0, max: 8 }),
    span: fc.integer({ min: 0, max: 20 }),
    cooldown: fc.record({ up: grid(12), down: grid(24) }),
    stabilization: fc.record({ up: grid(12), down: grid(36) }),
    rateLimit: fc.record({
      up: fc.option(direction, { nil: undefined }),
      down: fc.option(direction, { nil: undefined }),
    }),
  })
  .map(({ min, span, ...rest }) => ({ min, max: min + span, ...rest }));

/** Validates and defaults the options as the Autoscaler does (onMetricError defaults to hold). */
const resolve = (o: RuleOptions) => parseAutoscalerOptions({ metrics: fixedMetric({}), provider: memoryProvider(), policy: echo, ...o });

/** One tick: how long after the previous one, and the reading (undefined: the metric is out). */
interface Step {
  dt: number;
  desired: number | undefined;
}
const stepArb: fc.Arbitrary<Step> = fc.record({
  dt: fc.oneof(fc.constant(0), grid(24), fc.integer({ min: 1, max: 120_000 })),
  desired: fc.option(fc.integer({ min: 0, max: 40 }), { nil: undefined, freq: 6 }),
});
const scenario = fc.record({
  config: configArb,
  initial: fc.integer({ min: 0, max: 40 }),
  steps: fc.array(stepArb, { minLength: 1, maxLength: 60 }),
});

interface Tick {
  now: number;
  outage: boolean;
  decision: Decision;
  /** State after decide(), before recordScale(). */
  decided: ScalerState;
  /** State after recordScale(), as the loop keeps it. */
  recorded: ScalerState;
}

/** Runs the pure loop: decide(), then recordScale() as the Autoscaler does after a scaleTo that worked. */
function run(config: ResolvedOptions, initial: number, steps: readonly Step[]): Tick[] {
  let state = initialState();
  let current = initial;
  let now = T0;
  const ticks: Tick[] = [];
  for (const step of steps) {
    now += step.dt;
    const metrics: Record<string, number> = step.desired === undefined ? {} : { desired: step.desired };
    const { decision, state: decided } = decide(config, state, {
      now,
      status: { target: current, ready: current },
      metrics,
    });
    // The loop skips recordScale on a no-op; calling it anyway checks that it would change nothing.
    state = recordScale(config, decided, now, decision.from, decision.to);
    ticks.push({ now, outage: step.desired === undefined, decision, decided, recorded: state });
    current = decision.to;
  }
  return ticks;
}

/** A size outside [min, max] goes straight to the bound, past cooldowns and rate limits (rule 2a). */
const escaped = ({ min, max }: RuleOptions, d: Decision) => d.from < min || d.from > max;
const property = (check: (config: ResolvedOptions, initial: number, ticks: Tick[]) => void) =>
  fc.assert(
    fc.property(scenario, ({ config, initial, steps }) => {
      const resolved = resolve(config);
      check(resolved, initial, run(resolved, initial, steps));
    }),
    { numRuns: 400 },
  );

describe('properties of decide()', () => {
  it('keeps `to` in [min, max], and a size outside goes straight to the bound', () => {
    property(({ min, max }, _initial, ticks) => {
      for (const { decision: d } of ticks) {
        if (d.from < min || d.from > max) {
          expect(d.to).toBe(d.from < min ? min : max);
          // Named by the first step that gives the result: the policy when it wanted the bound itself.
          expect(d.code === 'out-of-bounds' || (d.code === 'policy' && d.desired === d.to), d.reason).toBe(true);
        } else {
          expect(d.to).toBeGreaterThanOrEqual(min);
          expect(d.to).toBeLessThanOrEqual(max);
        }
      }
    });
  });

  it('no scale-down within cooldown.down of any scaling, no scale-up within cooldown.up of a scale-up', () => {
    property((config, _initial, ticks) => {
      const { cooldown } = config;
      let lastAny: number | undefined;
      let lastUp: number | undefined;
      for (const { now, decision: d } of ticks) {
        if (!escaped(config, d)) {
          if (d.to < d.from && lastAny !== undefined) expect(now - lastAny).toBeGreaterThanOrEqual(cooldown.down);
          if (d.to > d.from && lastUp !== undefined) expect(now - lastUp).toBeGreaterThanOrEqual(cooldown.up);
        }
        if (d.to !== d.from) lastAny = now;
        if (d.to > d.from) lastUp = now;
      }
    });
  });

  it('never scales down on a tick with missing data (onMetricError: hold holds)', () => {
    property((config, _initial, ticks) => {
      for (const { outage, decision: d } of ticks) {
        if (!outage || escaped(config, d)) continue;
        expect(d).toMatchObject({ to: d.from, code: 'metric-outage' });
      }
    });
  });

  it('never exceeds a rate limit: each scaling stays within every period counted back from it (HPA arithmetic)', () => {
    property((config, initial, ticks) => {
      const { rateLimit } = config;
      const applied = ticks.filter((t) => t.decision.to !== t.decision.from);
      // The size at the start of a period: after every scaling at or before `t` (an event `period` old is outside).
      const sizeAt = (t: number) => applied.filter((a) => a.now <= t).at(-1)?.decision.to ?? initial;
      for (const { now, decision: d } of applied) {
        if (escaped(config, d)) continue; // out of bounds goes past the rate limits, by design
        const up = d.to > d.from;
        const rules = up ? rateLimit.up : rateLimit.down;
        if (!rules) continue;
        expect(rules.select, `scaled ${up ? 'up' : 'down'} while that direction is disabled`).not.toBe('disabled');
        const bounds = rules.limits.map((l) => {
          const base = sizeAt(now - l.periodMs);
          if ('workers' in l) return up ? base + l.workers : base - l.workers;
          // Percent rounds up when scaling up, down when scaling down; exact on these integers.
          return up ? Math.ceil((base * (100 + l.percent)) / 100) : Math.floor((base * (100 - l.percent)) / 100);
        });
        // `max` picks the most permissive limit, `min` the most restrictive.
        const permissive = rules.select === 'max';
        if (up) expect(d.to).toBeLessThanOrEqual(permissive ? Math.max(...bounds) : Math.min(...bounds));
        else expect(d.to).toBeGreaterThanOrEqual(permissive ? Math.min(...bounds) : Math.max(...bounds));
      }
    });
  });

  it('a no-op never changes lastEventAt or lastUpAt; a scaling sets them to its time', () => {
    property((_config, _initial, ticks) => {
      for (const { now, decision: d, decided, recorded } of ticks) {
        if (d.to === d.from) {
          expect(recorded.lastEventAt).toBe(decided.lastEventAt);
          expect(recorded.lastUpAt).toBe(decided.lastUpAt);
          expect(recorded.events).toBe(decided.events);
        } else {
          expect(recorded.lastEventAt).toBe(now);
          if (d.to > d.from) expect(recorded.lastUpAt).toBe(now);
        }
      }
    });
  });
});

// The Autoscaler's rule memory is private: these tests read it the way a debugger would, without widening the API.
describe('properties of the Autoscaler on a FakeClock', () => {
  it('a no-op tick never calls scaleTo, so it starts no cooldown; an outage tick never scales down', async () => {
    await fc.assert(
      fc.asyncProperty(
        configArb,
        fc.integer({ min: 0, max: 30 }),
        fc.array(stepArb, { minLength: 1, maxLength: 30 }),
        async (config, initial, steps) => {
          const clock = new FakeClock(T0);
          const metric = fixedMetric({ desired: 0 });
          const provider = memoryProvider({ clock, initial });
          const options: AutoscalerOptions = { clock, metrics: metric, provider, policy: echo, ...config };
          const scaler = new Autoscaler(options);
          const memory = () => (scaler as unknown as { state: ScalerState }).state;
          let scaled = 0;
          scaler.on('scaled', () => scaled++);
          for (const step of steps) {
            await clock.advance(step.dt);
            if (step.desired === undefined) metric.failNext(1);
            else metric.set({ desired: step.desired });
            const calls = provider.calls.length;
            const before = await provider.status(new AbortController().signal);
            const seen = scaled;
            const lastEventAt = memory().lastEventAt;
            const d = await scaler.evaluate();
            const after = await provider.status(new AbortController().signal);
            if (d.to === d.from) {
              expect(provider.calls.length).toBe(calls);
              expect(scaled).toBe(seen);
              expect(after.lastScaledAt).toBe(before.lastScaledAt);
              expect(memory().lastEventAt).toBe(lastEventAt);
            } else {
              expect(after).toMatchObject({ target: d.to, lastScaledAt: clock.now() });
              expect(memory().lastEventAt).toBe(clock.now());
            }
            if (step.desired === undefined && !escaped(config, d)) expect(d.to).toBe(d.from);
          }
        },
      ),
      { numRuns: 60 },
    );
  });

  it('keeps stabilization history and rate-limit events within what the longest window and period need', async () => {
    const intervalMs = 10_000;
    const windows = { up: 60_000, down: 300_000 };
    const rateLimit = {
      up: { limits: [{ workers: 3, periodMs: 60_000 }], select: 'max' as const },
      down: { limits: [{ percent: 50, periodMs: 180_000 }], select: 'max' as const },
    };
    const clock = new FakeClock(T0);
    const metric = fixedMetric({ desired: 5 });
    const provider = memoryProvider({ clock, initial: 5 });
    const scaler = new Autoscaler({
      clock,
      metrics: metric,
      provider,
      policy: echo,
      min: 1,
      max: 40,
      intervalMs,
      cooldown: { up: 0, down: 0 },
      stabilization: windows,
      rateLimit,
    });
    const memory = () => (scaler as unknown as { state: ScalerState }).state;
    // A demand wave (15 min period) with noise: the fleet follows it, so it scales often and the windows hold desires.
    const noise = fc.sample(fc.integer({ min: -3, max: 3 }), { numRuns: 3_000, seed: 42 });
    let longest = { recommendations: 0, events: 0 };
    scaler.start();
    for (const [i, n] of noise.entries()) {
      metric.set({ desired: Math.max(1, Math.round(20 + 15 * Math.sin((2 * Math.PI * i) / 90)) + n) });
      await clock.advance(intervalMs);
      const { recommendations, events } = memory();
      longest = {
        recommendations: Math.max(longest.recommendations, recommendations.length),
        events: Math.max(longest.events, events.length),
      };
    }
    await scaler.stop();
    // What the windows need: one desire per tick younger than the longest window, the new one included.
    const needRecommendations = Math.ceil(Math.max(windows.up, windows.down) / intervalMs);
    // Scalings happen on ticks; those younger than the longest period are all a rate limit can read.
    const needEvents = Math.ceil(180_000 / intervalMs);
    expect(longest.recommendations).toBeLessThanOrEqual(needRecommendations);
    expect(longest.events).toBeLessThanOrEqual(needEvents);
    // And the windows were really in use, so the bounds above are not met trivially.
    expect(longest.recommendations).toBeGreaterThan(needRecommendations / 2);
    expect(longest.events).toBeGreaterThan(1);
    expect(provider.calls.length).toBeGreaterThan(100);
  });
});
