import { describe, expect, it } from 'vitest';
import { murmur3, owns, shardOf } from '../src/shard.js';

const KEYS = Array.from({ length: 100_000 }, (_, i) => `mailbox-${i}@example.com`);
const ids = (n: number) => Array.from({ length: n }, (_, i) => `worker-${i + 1}`);
const assign = (members: readonly string[]) => KEYS.map((key) => shardOf(key, members));
const moved = (a: readonly unknown[], b: readonly unknown[]) => a.filter((owner, i) => owner !== b[i]).length;
// S1's scheme, for contrast: a key's worker is its hash modulo the worker count.
const modulo = (n: number) => KEYS.map((key) => murmur3(key) % n);

describe('murmur3', () => {
  it('matches the reference MurmurHash3 x86_32 vectors, so other languages can compute the same shards', () => {
    expect(murmur3('')).toBe(0);
    expect(murmur3('', 1)).toBe(0x514e28b7);
    expect(murmur3('hello')).toBe(0x248bfa47);
    expect(murmur3('Hello, world!', 1234)).toBe(0xfaf6cdb3);
    expect(murmur3('The quick brown fox jumps over the lazy dog')).toBe(0x2e4ff723);
  });
});

describe('shardOf', () => {
  it('is deterministic, and does not depend on the order members are listed in', () => {
    const members = ids(7);
    const shuffled = [...members].reverse();
    for (const key of KEYS.slice(0, 2_000)) {
      expect(shardOf(key, members)).toBe(shardOf(key, members));
      expect(shardOf(key, shuffled)).toBe(shardOf(key, members));
    }
    // Pinned: a change here reshuffles every deployed fleet's shards.
    const pinned = ['a', 'b', 'c', 'mailbox-1'];
    expect(pinned.map((key) => shardOf(key, ids(5)))).toEqual(['worker-3', 'worker-2', 'worker-2', 'worker-3']);
    expect(pinned.map((key) => shardOf(key, 10))).toEqual([6, 8, 1, 4]);
  });

  it('treats a count n as the ids "0".."n-1" and returns the index', () => {
    const members = ['0', '1', '2', '3', '4', '5'];
    for (const key of KEYS.slice(0, 2_000)) expect(String(shardOf(key, 6))).toBe(shardOf(key, members));
  });

  it('balances 100k keys over 10 members within 10 % of the mean', () => {
    const counts = new Map<string, number>();
    for (const owner of assign(ids(10))) counts.set(owner, (counts.get(owner) ?? 0) + 1);
    expect(counts.size).toBe(10);
    for (const count of counts.values()) expect(Math.abs(count - 10_000)).toBeLessThan(1_000);
  });

  it('moves about 1/(n+1) of the keys when a member joins, all of them to the newcomer', () => {
    for (const n of [1, 3, 10, 20]) {
      const before = assign(ids(n));
      const after = assign(ids(n + 1));
      const share = moved(before, after) / KEYS.length;
      expect(share).toBeGreaterThan((1 / (n + 1)) * 0.9);
      expect(share).toBeLessThan((1 / (n + 1)) * 1.1);
      const destinations = new Set(after.filter((owner, i) => owner !== before[i]));
      expect(destinations).toEqual(new Set([`worker-${n + 1}`]));
    }
  });

  it('moves only the removed member’s keys when one leaves', () => {
    const members = ids(10);
    const before = assign(members);
    const after = assign(members.filter((id) => id !== 'worker-4'));
    const movers = KEYS.filter((_, i) => after[i] !== before[i]);
    expect(movers.length).toBeGreaterThan(0);
    expect(movers).toEqual(KEYS.filter((_, i) => before[i] === 'worker-4'));
  });

  it('contrast: modulo over the worker count moves ~90 % of keys going from 10 to 11 workers', () => {
    const share = moved(modulo(10), modulo(11)) / KEYS.length;
    expect(share).toBeGreaterThan(0.85);
    expect(moved(assign(ids(10)), assign(ids(11))) / KEYS.length).toBeLessThan(0.1);
  });

  it('rejects empty, duplicate and malformed members with a clear error', () => {
    expect(() => shardOf('k', [])).toThrow(/expected at least one member/);
    expect(() => shardOf('k', ['a', 'b', 'a'])).toThrow(/duplicate member id "a"/);
    expect(() => shardOf('k', ['a', ''])).toThrow(/non-empty/);
    expect(() => shardOf('k', 0)).toThrow(/invalid shardOf members/);
    expect(() => shardOf('k', 2.5)).toThrow(/invalid shardOf members/);
    expect(() => shardOf(42 as never, 3)).toThrow(/invalid shardOf key/);
    expect(() => shardOf('k', [])).toThrow(expect.objectContaining({ code: 'invalid-input' }));
  });
});

describe('owns', () => {
  it('gives every key to exactly one member, the one shardOf names', () => {
    const members = ids(5);
    for (const key of KEYS.slice(0, 5_000)) {
      const owners = members.filter((workerId) => owns(key, { workerId, members }));
      expect(owners).toEqual([shardOf(key, members)]);
      const indexes = [0, 1, 2, 3, 4].filter((workerId) => owns(key, { workerId, members: 5 }));
      expect(indexes).toEqual([shardOf(key, 5)]);
    }
  });

  it('answers false for a worker that is not among the members', () => {
    expect(owns('k', { workerId: 'worker-9', members: ids(3) })).toBe(false);
    expect(owns('k', { workerId: 3, members: 3 })).toBe(false);
    expect(owns('k', { workerId: -1, members: 3 })).toBe(false);
    expect(owns('k', { workerId: 1.5, members: 3 })).toBe(false);
  });

  it('throws on bad members, or a workerId of the wrong kind (such as an env var left a string)', () => {
    expect(() => owns('k', { workerId: 'a', members: [] })).toThrow(/at least one member/);
    expect(() => owns('k', { workerId: '1', members: 3 })).toThrow(/expected a numeric index with a member count/);
    expect(() => owns('k', { workerId: 1, members: ids(3) })).toThrow(/expected a string id/);
  });
});
