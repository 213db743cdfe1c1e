import { describe, expect, it } from 'vitest';
import { Autoscaler, ceilTarget } from '../src/index.js';
import { FakeClock, fixedMetric, memoryElection, memoryProvider } from '../src/testing/index.js';

describe('leader election gates the Autoscaler', () => {
  it('only the leader acts; when it stops, another takes over', async () => {
    const clock = new FakeClock();
    const election = memoryElection({ clock, leaseMs: 30_000 });
    const provider = memoryProvider({ clock, initial: 1 });
    const queue = fixedMetric({ pending: 16 });
    const policy = ceilTarget({ metric: 'pending', perWorker: 5, scaleUpAbove: 8, scaleDownBelow: 2 });
    const make = (id: string) => new Autoscaler({ clock, metrics: queue, provider, policy, max: 10, leader: election.candidate(id) });
    const a = make('a');
    const b = make('b');
    const leaders: string[] = [];
    for (const s of [a, b]) s.on('leader', (e) => leaders.push(`${e.id} ${e.leading ? 'leads' : 'follows'}`));

    expect(await a.evaluate()).toMatchObject({ from: 1, to: 4, code: 'policy' });
    const follower = await b.evaluate();
    expect(follower).toMatchObject({ action: 'hold', code: 'not-leader' });
    expect(follower.reason).toBe('not the leader (b): another instance acts');
    expect(provider.calls).toHaveLength(1);

    await a.stop(); // resigns at once
    queue.set({ pending: 50 });
    expect(await b.evaluate()).toMatchObject({ from: 4, to: 10, code: 'policy' });
    expect(leaders).toEqual(['a leads', 'b follows', 'a follows', 'b leads']);
  });

  it('a leader that stops renewing loses the lease after it expires', async () => {
    const clock = new FakeClock();
    const election = memoryElection({ clock, leaseMs: 30_000 });
    const provider = memoryProvider({ clock, initial: 1 });
    const policy = ceilTarget({ metric: 'pending', perWorker: 5, scaleUpAbove: 8, scaleDownBelow: 2 });
    const opts = { clock, metrics: fixedMetric({ pending: 16 }), provider, policy, max: 10 };
    const a = new Autoscaler({ ...opts, leader: election.candidate('a') });
    const b = new Autoscaler({ ...opts, leader: election.candidate('b') });
    await a.evaluate(); // a leads, then hangs (never ticks again)
    await clock.advance(29_999);
    expect(await b.evaluate()).toMatchObject({ code: 'not-leader' });
    await clock.advance(1);
    expect(await b.evaluate()).toMatchObject({ code: 'within-tolerance' });
    expect(await a.evaluate()).toMatchObject({ code: 'not-leader' });
  });
});
