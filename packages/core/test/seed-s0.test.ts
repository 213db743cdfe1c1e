import { describe, expect, it } from 'vitest';
import { Autoscaler, ceilTarget } from '../src/index.js';
import { FakeClock, fixedMetric, memoryProvider } from '../src/testing/index.js';

// S0, AI chat bot workers: every 10 s, msgs/worker > 8 → ceil(pending/5) (max 10); msgs/worker < 2 →
// max(ceil(pending/7.5), 1); pending 0 → min; 60 s scale-down cooldown.
function s0() {
  const clock = new FakeClock();
  const queue = fixedMetric({ pending: 0 }, 'claim-queue');
  const provider = memoryProvider({ clock, initial: 1, scaleToZero: false });
  const scaler = new Autoscaler({
    clock,
    metrics: queue,
    provider,
    policy: ceilTarget({ metric: 'pending', perWorker: 5, scaleUpAbove: 8, scaleDownBelow: 2, downDivisor: 7.5 }),
    min: 1,
    max: 10,
    intervalMs: 10_000,
    cooldown: { up: 0, down: 60_000 },
  });
  return { clock, queue, provider, scaler };
}

describe('S0: AI chat bot workers (ceilTarget)', () => {
  it('replays the seed table: 5 → hold, 16 → 4, 50 → 10 (max)', async () => {
    const { queue, scaler } = s0();
    const table: Array<[pending: number, from: number, to: number, code: string]> = [
      [5, 1, 1, 'within-tolerance'], // 5/worker within [2, 8]
      [16, 1, 4, 'policy'], // 16/worker > 8: ceil(16/5) = 4
      [50, 4, 10, 'policy'], // 12.5/worker > 8: ceil(50/5) = 10
    ];
    for (const [pending, from, to, code] of table) {
      queue.set({ pending });
      const d = await scaler.evaluate();
      expect({ pending, from: d.from, to: d.to, code: d.code }).toEqual({ pending, from, to, code });
    }
    expect(scaler.lastDecision?.reason).toBe('50 pending over 4 workers = 12.5/worker > 8: ceil(50/5) = 10');
  });

  it('caps at max: 80 pending on 4 workers wants 16, gets 10', async () => {
    const { queue, scaler, provider } = s0();
    provider.scaleExternally(4);
    queue.set({ pending: 80 });
    const d = await scaler.evaluate();
    expect(d).toMatchObject({ from: 4, to: 10, desired: 16, code: 'at-max' });
  });

  it('when the queue empties, the cooldown holds 60 s after the last scaling event, then back to 1', async () => {
    // S0's own daemon counted its cooldown only from the last scale-DOWN, so right after a scale-up it would
    // scale down at once. Ours counts from any scaling event: a scale-down never follows a scale-up within it.
    const { clock, queue, scaler, provider } = s0();
    const decisions: Array<{ t: number; to: number; code: string }> = [];
    const t0 = clock.now();
    scaler.on('decision', (d) => decisions.push({ t: (d.at - t0) / 1000, to: d.to, code: d.code }));
    queue.set({ pending: 16 });
    scaler.start(); // t=0: 1 → 4
    await clock.advance(10_000); // t=10: 16 on 4 = 4/worker, hold
    queue.set({ pending: 50 });
    await clock.advance(10_000); // t=20: 4 → 10
    queue.set({ pending: 0 });
    await clock.advance(70_000); // t=30..90
    await scaler.stop();
    expect(decisions).toEqual([
      { t: 0, to: 4, code: 'policy' },
      { t: 10, to: 4, code: 'within-tolerance' },
      { t: 20, to: 10, code: 'policy' },
      { t: 30, to: 10, code: 'cooldown' },
      { t: 40, to: 10, code: 'cooldown' },
      { t: 50, to: 10, code: 'cooldown' },
      { t: 60, to: 10, code: 'cooldown' },
      { t: 70, to: 10, code: 'cooldown' },
      { t: 80, to: 1, code: 'at-min' }, // exactly 60 s after the scale-up at t=20
      { t: 90, to: 1, code: 'at-min' },
    ]);
    expect(provider.workers).toHaveLength(1);
    expect(clock.pendingTimers).toBe(0);
  });

  it('explains a held scale-down in one sentence', async () => {
    const { clock, queue, scaler } = s0();
    queue.set({ pending: 50 });
    await scaler.evaluate();
    await clock.advance(20_000);
    queue.set({ pending: 0 });
    const d = await scaler.evaluate();
    expect(d.reason).toBe(
      'wants 1, but the last scaling event was 20 s ago < down cooldown 60 s (40 s left): hold at 10 [policy: 0 pending: nothing to do, 0 workers needed]',
    );
  });
});
