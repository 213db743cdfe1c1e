import { describe, expect, it } from 'vitest';
import { Autoscaler, thresholds } from '../src/index.js';
import { FakeClock, fixedMetric, memoryProvider } from '../src/testing/index.js';

// S3, MQTT gateway threads: every 10 s up if load > 70 % or CPU > 60 % or latency > 50 ms or
// queue > 3 × workers; down only if load < 30 % and CPU < 30 % and latency < 10 ms and queue empty;
// 2–8 threads; cooldowns 30 s up, 60 s down.
const policy = thresholds({
  up: [
    { metric: 'load', above: 70 },
    { metric: 'cpu', above: 60 },
    { metric: 'latencyMs', above: 50 },
    { metric: 'queue', above: 3, perWorker: true },
  ],
  down: [
    { metric: 'load', below: 30 },
    { metric: 'cpu', below: 30 },
    { metric: 'latencyMs', below: 10 },
    { metric: 'queue', atMost: 0 },
  ],
});
const calm = { load: 50, cpu: 40, latencyMs: 20, queue: 2 };
const idle = { load: 10, cpu: 10, latencyMs: 5, queue: 0 };

function s3(initial = 4) {
  const clock = new FakeClock();
  const gauges = fixedMetric(calm, 'gateway');
  const provider = memoryProvider({ clock, initial });
  const scaler = new Autoscaler({
    clock,
    metrics: gauges,
    provider,
    policy,
    min: 2,
    max: 8,
    intervalMs: 10_000,
    cooldown: { up: 30_000, down: 60_000 },
  });
  return { clock, gauges, provider, scaler };
}

describe('S3: MQTT gateway (thresholds)', () => {
  const upRules: Array<[string, Record<string, number>]> = [
    ['load 71 > 70', { load: 71 }],
    ['cpu 61 > 60', { cpu: 61 }],
    ['latencyMs 51 > 50', { latencyMs: 51 }],
    ['queue 13 over 4 workers = 3.25/worker > 3', { queue: 13 }],
  ];
  for (const [name, change] of upRules) {
    it(`each up rule alone scales up: ${name}`, async () => {
      const { gauges, scaler } = s3();
      gauges.set(change);
      const d = await scaler.evaluate();
      expect({ to: d.to, code: d.code }).toEqual({ to: 5, code: 'policy' });
      expect(d.reason).toContain('+1 → 5');
    });
  }

  it('up boundaries hold: load 70, cpu 60, latency 50, queue exactly 3 × workers', async () => {
    const { gauges, scaler } = s3();
    gauges.set({ load: 70, cpu: 60, latencyMs: 50, queue: 12 });
    expect(await scaler.evaluate()).toMatchObject({ to: 4, code: 'within-tolerance' });
  });

  it('down needs all four: each one missing blocks it', async () => {
    for (const spoil of [{ load: 30 }, { cpu: 30 }, { latencyMs: 10 }, { queue: 1 }]) {
      const { gauges, scaler } = s3();
      gauges.set({ ...idle, ...spoil });
      const d = await scaler.evaluate();
      expect({ spoil, to: d.to, code: d.code }).toEqual({ spoil, to: 4, code: 'within-tolerance' });
    }
    const { gauges, scaler } = s3();
    gauges.set(idle);
    expect(await scaler.evaluate()).toMatchObject({ to: 3, code: 'policy' });
  });

  it('stays within 2–8 threads with 30 s up and 60 s down cooldowns', async () => {
    const { clock, gauges, scaler } = s3(2);
    const sizes: number[] = [];
    scaler.on('decision', (d) => sizes.push(d.to));
    gauges.set({ ...calm, cpu: 95 });
    scaler.start();
    await clock.advance(240_000); // 25 ticks of overload
    gauges.set(idle);
    await clock.advance(600_000);
    await scaler.stop();
    // Up every 30 s (every third tick) until 8, then down every 60 s until 2.
    expect(sizes.slice(0, 19)).toEqual([3, 3, 3, 4, 4, 4, 5, 5, 5, 6, 6, 6, 7, 7, 7, 8, 8, 8, 8]);
    expect(Math.max(...sizes)).toBe(8);
    expect(sizes[sizes.length - 1]).toBe(2);
    const downs = sizes
      .slice(25)
      .map((s, i, a) => (i > 0 && s < (a[i - 1] as number) ? i : -1))
      .filter((i) => i >= 0);
    for (let i = 1; i < downs.length; i++) expect((downs[i] as number) - (downs[i - 1] as number)).toBeGreaterThanOrEqual(6);
  });
});
