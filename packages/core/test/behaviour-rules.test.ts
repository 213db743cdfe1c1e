import { describe, expect, it } from 'vitest';
import { Autoscaler, type AutoscalerOptions, ceilTarget, combine, schedule, targetTracking } from '../src/index.js';
import { FakeClock, fixedMetric, memoryProvider } from '../src/testing/index.js';

const policy = ceilTarget({ metric: 'pending', perWorker: 5, scaleUpAbove: 8, scaleDownBelow: 2, downDivisor: 7.5 });

function setup(extra: Partial<AutoscalerOptions> = {}, initial = 4) {
  const clock = new FakeClock(Date.UTC(2026, 10, 25, 8, 0)); // a Wednesday, 08:00 UTC
  const queue = fixedMetric({ pending: 20 }, 'queue');
  const provider = memoryProvider({ clock, initial });
  const scaler = new Autoscaler({ clock, metrics: queue, provider, policy, min: 1, max: 10, cooldown: { up: 0, down: 0 }, ...extra });
  return { clock, queue, provider, scaler };
}

describe('bounds', () => {
  it('a size outside [min, max] goes straight to the bound, past cooldowns and rate limits', async () => {
    const { scaler, provider, queue } = setup(
      { min: 3, cooldown: { up: 600_000, down: 600_000 }, rateLimit: { up: { limits: [{ workers: 1, periodMs: 60_000 }] } } },
      1,
    );
    provider.scaleExternally(1); // just scaled: would be in cooldown
    queue.set({ pending: 0 });
    expect(await scaler.evaluate()).toMatchObject({ from: 1, to: 3, code: 'out-of-bounds' });
    provider.scaleExternally(15);
    expect(await scaler.evaluate()).toMatchObject({ from: 15, to: 10, code: 'out-of-bounds' });
  });

  it('activation: from zero only when the metric exceeds it; to zero only after cooldown.down idle', async () => {
    const { scaler, queue, clock, provider } = setup(
      { min: 0, activation: { metric: 'pending', above: 2 }, cooldown: { up: 0, down: 60_000 } },
      0,
    );
    queue.set({ pending: 2 });
    expect(await scaler.evaluate()).toMatchObject({ from: 0, to: 0, code: 'activation' });
    queue.set({ pending: 3 });
    expect(await scaler.evaluate()).toMatchObject({ from: 0, to: 1, action: 'scale-up' });
    await clock.advance(60_000);
    queue.set({ pending: 0 });
    expect(await scaler.evaluate()).toMatchObject({ from: 1, to: 1, code: 'activation' }); // idle for 0 s
    await clock.advance(59_999);
    expect(await scaler.evaluate()).toMatchObject({ to: 1, code: 'activation' });
    await clock.advance(1);
    expect(await scaler.evaluate()).toMatchObject({ from: 1, to: 0, action: 'scale-down' });
    expect(provider.workers).toHaveLength(0);
  });
});

describe('stabilization', () => {
  it('scales down only to the highest desire within the down window (HPA)', async () => {
    const { scaler, queue, clock } = setup({ stabilization: { up: 0, down: 300_000 } }, 10);
    queue.set({ pending: 50 }); // 5/worker on 10: hold (desire 10)
    await scaler.evaluate();
    await clock.advance(120_000);
    queue.set({ pending: 0 });
    const d = await scaler.evaluate();
    expect(d).toMatchObject({ from: 10, to: 10, code: 'stabilized' });
    expect(d.reason).toContain('highest desire in the last 5 min (down window)');
    await clock.advance(180_000); // the desire of 10 is now exactly 300 s old: outside the window
    expect(await scaler.evaluate()).toMatchObject({ from: 10, to: 1, action: 'scale-down' });
  });
});

describe('bounded memory', () => {
  it('a burst of manual evaluations does not leave more history than the window needs', async () => {
    const { scaler, clock } = setup({ stabilization: { up: 0, down: 100 } });
    for (let i = 0; i < 1_000; i++) {
      await scaler.evaluate();
      await clock.advance(1);
    }
    await clock.advance(1_000);
    await scaler.evaluate();
    // Private state, read on purpose: the bound is the point of this test.
    const state = (scaler as unknown as { state: { recommendations: unknown[] } }).state;
    expect(state.recommendations.length).toBe(1);
  });
});

describe('rate limits', () => {
  it('at most 2 workers per minute up, with select max of workers and percent', async () => {
    const { scaler, queue, clock } = setup(
      {
        rateLimit: {
          up: {
            limits: [
              { workers: 2, periodMs: 60_000 },
              { percent: 10, periodMs: 60_000 },
            ],
          },
        },
      },
      4,
    );
    queue.set({ pending: 100 }); // wants 20 → max 10
    const d1 = await scaler.evaluate();
    expect(d1).toMatchObject({ from: 4, to: 6, code: 'rate-limited' });
    await clock.advance(30_000);
    expect(await scaler.evaluate()).toMatchObject({ from: 6, to: 6, code: 'rate-limited' }); // 2 already added in the last 60 s
    await clock.advance(30_000);
    expect(await scaler.evaluate()).toMatchObject({ from: 6, to: 8 });
  });

  it('percent rounds down when scaling down', async () => {
    const { scaler, queue } = setup({ rateLimit: { down: { limits: [{ percent: 50, periodMs: 60_000 }] } } }, 9);
    queue.set({ pending: 0 });
    expect(await scaler.evaluate()).toMatchObject({ from: 9, to: 4, code: 'rate-limited' }); // floor(9 × 0.5) = 4
  });
});

describe('modes', () => {
  it('dryRun decides and emits but never calls the provider', async () => {
    const { scaler, queue, provider } = setup({ dryRun: true });
    queue.set({ pending: 100 });
    const d = await scaler.evaluate();
    expect(d).toMatchObject({ from: 4, to: 10, action: 'scale-up', code: 'dry-run' });
    expect(d.reason).toMatch(/^dry run, would scale 4 → 10: /);
    expect(provider.calls).toHaveLength(0);
  });

  it('pause: all, or only scale-in', async () => {
    const { scaler, queue, provider } = setup();
    scaler.pause();
    queue.set({ pending: 100 });
    expect(await scaler.evaluate()).toMatchObject({ to: 4, code: 'paused' });
    scaler.pause('scaleIn');
    expect(await scaler.evaluate()).toMatchObject({ to: 10 });
    queue.set({ pending: 0 });
    expect(await scaler.evaluate()).toMatchObject({ from: 10, to: 10, code: 'paused' });
    scaler.resume();
    expect(await scaler.evaluate()).toMatchObject({ from: 10, to: 1 });
    expect(provider.calls.map((c) => c.target)).toEqual([10, 1]);
  });

  it('override sets the size until it expires, kept inside [min, max]', async () => {
    const { scaler, queue, clock } = setup();
    queue.set({ pending: 20 });
    scaler.override(7, { forMs: 60_000 });
    expect(await scaler.evaluate()).toMatchObject({ from: 4, to: 7, code: 'override' });
    await clock.advance(60_000);
    queue.set({ pending: 10 });
    expect(await scaler.evaluate()).toMatchObject({ from: 7, to: 2 }); // 10/7 < 2 → ceil(10/7.5) = 2
    scaler.override(50, { untilMs: clock.now() + 1_000 });
    expect(await scaler.evaluate()).toMatchObject({ to: 10, code: 'override' });
    expect(() => scaler.override(2, {})).toThrow(/exactly one of untilMs/);
  });
});

describe('combine and schedule', () => {
  it('combine max: a healthy source may still scale up while another is out, but nothing scales down', async () => {
    const clock = new FakeClock();
    const queue = fixedMetric({ pending: 100 }, 'queue');
    const cpu = fixedMetric({ cpu: 10 }, 'cpu');
    const provider = memoryProvider({ clock, initial: 4 });
    const scaler = new Autoscaler({
      clock,
      metrics: [queue, cpu],
      provider,
      policy: combine({ mode: 'max' }, policy, targetTracking({ metric: 'cpu', targetValue: 60 })),
      max: 10,
      cooldown: { up: 0, down: 0 },
    });
    cpu.failNext(Number.POSITIVE_INFINITY);
    expect(await scaler.evaluate()).toMatchObject({ from: 4, to: 10 });
    queue.set({ pending: 0 });
    const d = await scaler.evaluate();
    expect(d).toMatchObject({ from: 10, to: 10, code: 'metric-outage' });
    cpu.recover();
    expect(await scaler.evaluate()).toMatchObject({ from: 10, to: 2 }); // max(1, ceil(10 × 10/60) = 2)
  });

  it('schedule raises min during business hours (Europe/Berlin) and lets it go after', async () => {
    const clock = new FakeClock(Date.UTC(2026, 10, 25, 7, 0)); // Wednesday 07:00 UTC = 08:00 in Berlin
    const hours = { name: 'business hours', cron: '0 9 * * 1-5', durationMs: 9 * 3600_000, timezone: 'Europe/Berlin', min: 3 };
    const scaler = new Autoscaler({
      clock,
      metrics: fixedMetric({ pending: 0 }),
      provider: memoryProvider({ clock, initial: 1 }),
      policy: schedule(policy, [hours]),
      max: 10,
      cooldown: { up: 0, down: 0 },
    });
    expect(await scaler.evaluate()).toMatchObject({ from: 1, to: 1, code: 'at-min' });
    await clock.advance(3600_000); // 09:00 in Berlin: open
    const d = await scaler.evaluate();
    expect(d).toMatchObject({ from: 1, to: 3, code: 'out-of-bounds' });
    expect(d.reason).toContain("schedule 'business hours' (min 3)");
    await clock.advance(9 * 3600_000 - 1); // 17:59:59.999: still open
    expect(await scaler.evaluate()).toMatchObject({ from: 3, to: 3, code: 'at-min' });
    await clock.advance(1); // 18:00: closed
    expect(await scaler.evaluate()).toMatchObject({ from: 3, to: 1, code: 'at-min' });
  });
});
