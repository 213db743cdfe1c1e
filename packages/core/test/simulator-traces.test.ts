import { describe, expect, it } from 'vitest';
import {
  burstArrivals,
  ceilTarget,
  constantArrivals,
  csvArrivals,
  diurnalArrivals,
  renderSvg,
  renderTable,
  s0Trace,
  seededRandom,
  simulate,
  timelineTable,
} from '../src/index.js';
import { serviceTimeSampler } from '../src/simulator/service-time.js';

const total = (a: Array<{ count: number }>) => a.reduce((s, x) => s + x.count, 0);

describe('arrival traces', () => {
  it('constant: the rate over the duration, evenly spread', () => {
    const a = constantArrivals({ ratePerSec: 2.5, durationMs: 10_000 });
    expect(total(a)).toBe(25);
    expect(a.map((x) => x.count)).toEqual([2, 3, 2, 3, 2, 3, 2, 3, 2, 3]);
  });

  it('bursts: S0’s 16, then 50', () => {
    expect(burstArrivals({ sizes: [16, 50], everyMs: 30_000 })).toEqual([
      { atMs: 0, count: 16 },
      { atMs: 30_000, count: 50 },
    ]);
  });

  it('diurnal: quiet at the start, busiest half a period later, the curve’s total', () => {
    const a = diurnalArrivals({ troughPerSec: 0, peakPerSec: 2, periodMs: 3_600_000, durationMs: 3_600_000, stepMs: 60_000 });
    const at = (ms: number) => a.find((x) => x.atMs === ms)?.count ?? 0;
    expect(at(0)).toBe(0);
    expect(at(1_800_000)).toBe(120);
    expect(total(a)).toBeGreaterThanOrEqual(3_599);
    expect(total(a)).toBeLessThanOrEqual(3_600);
  });

  it('csv: epoch ms, epoch seconds or ISO dates, relative to the earliest, a header skipped', () => {
    expect(csvArrivals('timestamp\n1700000000500\n1700000000000\n1700000000500,extra\n')).toEqual([
      { atMs: 0, count: 1 },
      { atMs: 500, count: 2 },
    ]);
    expect(csvArrivals('1700000000.25\n1700000001.25')).toEqual([
      { atMs: 0, count: 1 },
      { atMs: 1_000, count: 1 },
    ]);
    expect(csvArrivals('2026-01-01T00:00:00Z\n2026-01-01T00:00:02Z')).toEqual([
      { atMs: 0, count: 1 },
      { atMs: 2_000, count: 1 },
    ]);
    expect(() => csvArrivals('1700000000000\nsoon\n')).toThrow(/csv trace line 2: expected a timestamp .* got "soon"/);
    expect(() => csvArrivals('')).toThrow(/at least one timestamp/);
  });
});

describe('service times and start-up', () => {
  it('a seeded mix draws S0’s 80 % hot / 20 % cold, the same for the same seed', () => {
    const spec = s0Trace.serviceTimeMs;
    const draw = (seed: number) => Array.from({ length: 2_000 }, serviceTimeSampler(spec, seededRandom(seed)));
    const a = draw(1);
    const cold = a.filter((ms) => ms === 13_000).length;
    expect(a.every((ms) => ms === 1_200 || ms === 13_000)).toBe(true);
    expect(cold / a.length).toBeGreaterThan(0.17);
    expect(cold / a.length).toBeLessThan(0.23);
    expect(draw(1)).toEqual(a);
    expect(draw(2)).not.toEqual(a);
  });

  it('uniform and exponential stay in range and average out', () => {
    const u = Array.from({ length: 1_000 }, serviceTimeSampler({ type: 'uniform', minMs: 100, maxMs: 300 }, seededRandom(3)));
    expect(Math.min(...u)).toBeGreaterThanOrEqual(100);
    expect(Math.max(...u)).toBeLessThanOrEqual(300);
    const e = Array.from({ length: 5_000 }, serviceTimeSampler({ type: 'exponential', meanMs: 1_000 }, seededRandom(4)));
    const mean = e.reduce((s, x) => s + x, 0) / e.length;
    expect(mean).toBeGreaterThan(900);
    expect(mean).toBeLessThan(1_100);
  });

  it('a slower start-up makes jobs wait longer; a bad distribution is named', async () => {
    const run = (startupMs: number) =>
      simulate({
        ...s0Trace,
        startupMs,
        autoscaler: { policy: ceilTarget({ metric: 'pending', perWorker: 5, scaleUpAbove: 8, scaleDownBelow: 2 }), min: 1, max: 10 },
      });
    const [fast, slow] = [await run(0), await run(8_000)];
    expect(slow.summary.waitP50Ms).toBeGreaterThan(fast.summary.waitP50Ms);
    await expect(
      simulate({
        ...s0Trace,
        serviceTimeMs: { type: 'uniform', minMs: 5, maxMs: 1 },
        autoscaler: {
          policy: ceilTarget({ metric: 'pending', perWorker: 1, scaleUpAbove: 1, scaleDownBelow: 0 }),
          max: 2,
        },
      }),
    ).rejects.toThrow(/serviceTimeMs/);
  });
});

describe('rendering', () => {
  it('renderTable is timelineTable; renderSvg draws one tick dot per timeline row', async () => {
    expect(renderTable).toBe(timelineTable);
    const r = await simulate({
      ...s0Trace,
      autoscaler: { policy: ceilTarget({ metric: 'pending', perWorker: 5, scaleUpAbove: 8, scaleDownBelow: 2 }), max: 10 },
    });
    const svg = r.svg();
    expect(svg.match(/<circle class="tick"/g)).toHaveLength(r.timeline.length);
    expect(renderSvg(r.timeline).match(/<circle class="tick"/g)).toHaveLength(r.timeline.length);
  });
});
