import { describe, expect, it } from 'vitest';
import { FakeClock } from '../src/testing/fake-clock.js';
import { memoryElection } from '../src/testing/memory-leader.js';

const signal = new AbortController().signal;

function setup(leaseMs = 10_000) {
  const clock = new FakeClock();
  const election = memoryElection({ clock, leaseMs });
  const a = election.candidate('a');
  const b = election.candidate('b');
  const c = election.candidate('c');
  return { clock, election, a, b, c, all: [a, b, c] };
}

describe('memoryElection', () => {
  it('elects exactly one leader among three candidates, whatever the order', async () => {
    const { election, all } = setup();
    const won = await Promise.all(all.map((candidate) => candidate.campaign(signal)));
    expect(won).toEqual([true, false, false]);
    expect(election.holder()).toBe('a');
    const again = await Promise.all([...all].reverse().map((candidate) => candidate.campaign(signal)));
    expect(again).toEqual([false, false, true]);
  });

  it('keeps the leader while it renews within the lease, even long past the first lease', async () => {
    const { clock, election, a, b, c } = setup(10_000);
    expect(await a.campaign(signal)).toBe(true);
    for (let i = 0; i < 10; i++) {
      await clock.advance(9_000);
      expect(await a.campaign(signal)).toBe(true);
      expect(await b.campaign(signal)).toBe(false);
      expect(await c.campaign(signal)).toBe(false);
    }
    expect(election.holder()).toBe('a');
  });

  it('lets another candidate take over once a silent leader’s lease expires, and not a moment before', async () => {
    const { clock, election, a, b, c } = setup(10_000);
    await a.campaign(signal);
    await clock.advance(9_999);
    expect(await b.campaign(signal)).toBe(false);
    await clock.advance(1);
    expect(election.holder()).toBeUndefined();
    expect(await b.campaign(signal)).toBe(true);
    expect(await c.campaign(signal)).toBe(false);
    // The old leader comes back: it learns it lost, rather than leading beside b.
    expect(await a.campaign(signal)).toBe(false);
    expect(election.holder()).toBe('b');
  });

  it('never lets two candidates believe they lead at once, over a random schedule of campaigns', async () => {
    const { clock, all } = setup(10_000);
    // A candidate may act as leader until its last successful campaign plus the lease.
    const believesUntil = new Map<string, number>();
    let seed = 42;
    const random = () => {
      seed = (Math.imul(seed, 1_103_515_245) + 12_345) >>> 0;
      return seed / 2 ** 32;
    };
    for (let step = 0; step < 2_000; step++) {
      const candidate = all[Math.floor(random() * 3)]!;
      if (random() < 0.05) {
        await candidate.resign();
        believesUntil.delete(candidate.id);
      } else if (await candidate.campaign(signal)) believesUntil.set(candidate.id, clock.now() + 10_000);
      else believesUntil.delete(candidate.id);
      const leaders = [...believesUntil].filter(([, until]) => until > clock.now());
      expect(leaders.length).toBeLessThanOrEqual(1);
      await clock.advance(Math.floor(random() * 4_000));
    }
  });

  it('hands over at once when the leader resigns', async () => {
    const { election, a, b } = setup();
    await a.campaign(signal);
    await a.resign();
    expect(election.holder()).toBeUndefined();
    expect(await b.campaign(signal)).toBe(true);
    expect(election.holder()).toBe('b');
  });

  it('ignores a resign from a candidate that does not hold the lease', async () => {
    const { election, a, b } = setup();
    await a.campaign(signal);
    await b.resign();
    expect(election.holder()).toBe('a');
    expect(await b.campaign(signal)).toBe(false);
  });

  it('does not campaign with an aborted signal', async () => {
    const { election, a } = setup();
    const controller = new AbortController();
    controller.abort(new Error('tick timed out'));
    await expect(a.campaign(controller.signal)).rejects.toThrow('tick timed out');
    expect(election.holder()).toBeUndefined();
  });

  it('validates its options and candidate ids', () => {
    expect(() => memoryElection({ leaseMs: 0 })).toThrow(/leaseMs/);
    expect(() => memoryElection().candidate('')).toThrow(/candidate id/);
  });

  it('defaults to a 15 s lease', async () => {
    const clock = new FakeClock();
    const election = memoryElection({ clock });
    await election.candidate('a').campaign(signal);
    await clock.advance(14_999);
    expect(election.holder()).toBe('a');
    await clock.advance(1);
    expect(election.holder()).toBeUndefined();
  });
});
