import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compare, recommendedScaling, renderComparison, s0Contenders, s0Trace, targetTracking } from '../src/index.js';

describe('compare on S0’s trace', () => {
  it('puts the four contenders side by side, and the recommended default earns its place', async () => {
    const c = await compare(s0Trace, s0Contenders);
    const by = Object.fromEntries(c.rows.map((r) => [r.name, r.summary]));
    const s0 = by['S0 original (ceilTarget)'];
    const s2 = by['S2 step (utilization ±1)'];
    const hpa = by['HPA target tracking'];
    const ours = by['recommended (recommendedScaling)'];
    if (!s0 || !s2 || !hpa || !ours) throw new Error(`missing rows: ${Object.keys(by)}`);
    for (const s of [s0, s2, hpa, ours]) expect(s).toMatchObject({ arrived: 66, leftWaiting: 0 });
    // Ours: waits no longer than S0's rule at every percentile, for fewer worker-seconds.
    expect(ours.waitP50Ms).toBeLessThan(s0.waitP50Ms);
    expect(ours.waitP95Ms).toBeLessThanOrEqual(s0.waitP95Ms);
    expect(ours.workerSeconds).toBeLessThan(s0.workerSeconds);
    // HPA's 5-minute down window: fewest scale events, but it pays for its workers all the while.
    expect(hpa.flaps).toBe(0);
    expect(hpa.workerSeconds).toBeGreaterThan(2 * ours.workerSeconds);
    // S2's ±1 steps are cheapest but make the burst wait several times longer.
    expect(s2.workerSeconds).toBeLessThan(ours.workerSeconds);
    expect(s2.waitP95Ms).toBeGreaterThan(3 * ours.waitP95Ms);
    const lines = c.table().split('\n');
    expect(lines[0]).toMatch(
      /^\| policy +\| p50 wait \(s\) \| p95 wait \(s\) \| max wait \(s\) \| worker-s \| peak \| scale events \| flaps \| left \|$/,
    );
    expect(lines).toHaveLength(6);
    expect(lines[5]).toMatch(/^\| recommended \(recommendedScaling\) \|/);
    // The README shows this very table: it changes when the simulator or a contender does.
    expect(readFileSync(new URL('../README.md', import.meta.url), 'utf8')).toContain(c.table());
  });

  it('is deterministic, and says when there is nothing to compare', async () => {
    const two = { a: recommendedScaling({ max: 4 }), b: { policy: targetTracking({ metric: 'pending', averageValue: 10 }), max: 4 } };
    const [x, y] = [await compare(s0Trace, two), await compare(s0Trace, two)];
    expect(y.table()).toBe(x.table());
    expect(renderComparison(x.rows)).toBe(x.table());
    await expect(compare(s0Trace, {})).rejects.toThrow(/compare: expected at least one policy/);
  });
});
