import { describe, expect, it } from 'vitest';
import { ceilTarget, type SimulateOptions, simulate, targetTracking } from '../src/index.js';

// S0's burst: 16 messages, then 50 more; 1.2 s per message; workers ready 2 s after start.
const s0 = (
  policy = ceilTarget({ metric: 'pending', perWorker: 5, scaleUpAbove: 8, scaleDownBelow: 2, downDivisor: 7.5 }),
): SimulateOptions => ({
  autoscaler: { policy, min: 1, max: 10, intervalMs: 10_000, cooldown: { up: 0, down: 60_000 } },
  arrivals: [
    { atMs: 0, count: 16 },
    { atMs: 30_000, count: 50 },
  ],
  serviceTimeMs: 1_200,
  startupMs: 2_000,
  durationMs: 240_000,
});

describe('simulate', () => {
  it('replays S0’s burst: up to 4, then 10 at the max, drains, back to 1 after the cooldown', async () => {
    const r = await simulate(s0());
    const sizes = r.timeline.map((p) => p.workers);
    expect(sizes[0]).toBe(4);
    expect(r.summary.peakWorkers).toBe(10);
    expect(sizes[sizes.length - 1]).toBe(1);
    expect(r.summary).toMatchObject({ arrived: 66, leftWaiting: 0 });
    expect(r.summary.drainedAtMs).toBeGreaterThan(30_000);
    expect(r.summary.waitMaxMs).toBeGreaterThan(r.summary.waitP50Ms);
    // Nothing scales down within 60 s of the last scaling event.
    const scales = r.timeline.filter((p) => p.action !== 'hold');
    for (let i = 1; i < scales.length; i++) {
      const [a, b] = [scales[i - 1], scales[i]] as [(typeof scales)[0], (typeof scales)[0]];
      if (b.action === 'scale-down') expect(b.t - a.t).toBeGreaterThanOrEqual(60_000);
    }
  });

  it('is deterministic, and compares policies on the same trace', async () => {
    const a = await simulate(s0());
    const b = await simulate(s0());
    expect(b.timeline).toEqual(a.timeline);
    const eager = await simulate(s0(targetTracking({ metric: 'pending', averageValue: 2, tolerance: 0 })));
    expect(eager.summary.waitP95Ms).toBeLessThan(a.summary.waitP95Ms);
    expect(eager.summary.workerSeconds).toBeGreaterThan(0);
  });

  it('renders a text table and a standalone SVG chart', async () => {
    const r = await simulate(s0());
    const table = r.table().split('\n');
    expect(table[0]).toMatch(/^t \(s\)\s+queue\s+workers\s+ready\s+action\s+code\s+reason$/);
    expect(table[1]).toMatch(/^\s*0\.0\s+16\s+4\s+1\s+scale-up\s+policy\s+16 pending over 1 worker/);
    const svg = r.svg({ title: 'S0 burst <ceilTarget>' });
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    expect(svg).toContain('S0 burst &lt;ceilTarget&gt;');
    expect(svg.match(/<path /g)).toHaveLength(2);
    expect(svg).toContain('>workers</text>');
  });

  it('names a bad option', async () => {
    await expect(simulate({ ...s0(), serviceTimeMs: 0 })).rejects.toThrow(/simulate options: serviceTimeMs: Too small/);
    await expect(simulate({ ...s0(), autoscaler: { ...s0().autoscaler, max: -1 } })).rejects.toThrow(/Autoscaler options: /);
  });
});
