import { describe, expect, it } from 'vitest';
import { queueShard, queueShards } from '../src/index.js';
import { secretsEqual } from '../src/object/auth.js';

describe('queueShards / queueShard', () => {
  it('names one object per shard and sends each key to one of them, the same every time', () => {
    const names = queueShards('mail', { shards: 4 });
    expect(names).toEqual(['mail.0', 'mail.1', 'mail.2', 'mail.3']);
    const keys = Array.from({ length: 4_000 }, (_, i) => `mailbox-${i}`);
    const counts = new Map<string, number>();
    for (const key of keys) {
      const shard = queueShard('mail', key, { shards: 4 });
      expect(queueShard('mail', key, { shards: 4 })).toBe(shard);
      counts.set(shard, (counts.get(shard) ?? 0) + 1);
    }
    expect([...counts.keys()].sort()).toEqual(names);
    for (const n of counts.values()) expect(n).toBeGreaterThan(800);
  });

  it('going from 4 to 5 shards moves about a fifth of the keys, all of them to the new shard', () => {
    const keys = Array.from({ length: 5_000 }, (_, i) => `k${i}`);
    const moved = keys.filter((key) => queueShard('q', key, { shards: 4 }) !== queueShard('q', key, { shards: 5 }));
    expect(moved.length / keys.length).toBeGreaterThan(0.15);
    expect(moved.length / keys.length).toBeLessThan(0.25);
    for (const key of moved) expect(queueShard('q', key, { shards: 5 })).toBe('q.4');
  });

  it('refuses a shard count of 0 or a bad queue name, naming the field', () => {
    expect(() => queueShards('q', { shards: 0 })).toThrow(
      expect.objectContaining({ code: 'invalid-options', message: expect.stringContaining('shards:') }),
    );
    expect(() => queueShard('a b', 'k', { shards: 2 })).toThrow(expect.objectContaining({ message: expect.stringContaining('queue:') }));
  });
});

describe('secretsEqual', () => {
  it('is true only for the same secret, whatever the lengths', async () => {
    expect(await secretsEqual('s3cret', 's3cret')).toBe(true);
    for (const other of ['s3creT', 's3cre', 's3crett', '', 'x'.repeat(10_000)]) expect(await secretsEqual(other, 's3cret')).toBe(false);
  });
});

describe('defineQueueObject', () => {
  it('refuses options out of range at load, naming the field', async () => {
    const { defineQueueObject } = await import('../src/worker.js');
    expect(() => defineQueueObject({ maxClaim: 0 })).toThrow(/invalid defineQueueObject\(\) options: maxClaim: .*got 0 \(number\)/);
    expect(() => defineQueueObject({ backoff: { baseMs: -1, maxMs: 5 } })).toThrow(/backoff\.baseMs/);
    expect(defineQueueObject({ maxClaim: 5 }).options).toEqual({ maxClaim: 5 });
  });

  it("holds the object's limits to what every @fleet client and the platform agree on", async () => {
    const { defineQueueObject } = await import('../src/worker.js');
    // A client asks for at most 1000 jobs a claim; attempts and delays are bounded as the clients bound them.
    expect(() => defineQueueObject({ maxClaim: 1_001 })).toThrow(/maxClaim: /);
    expect(() => defineQueueObject({ defaultMaxAttempts: 1_000_001 })).toThrow(/defaultMaxAttempts: /);
    expect(() => defineQueueObject({ backoff: { baseMs: 1, maxMs: 2 ** 31 } })).toThrow(/backoff\.maxMs: /);
    // An enqueue body holds at least one largest payload and its fields, and at most 32 MiB.
    expect(() => defineQueueObject({ maxEnqueueBytes: 1_048_576 })).toThrow(/maxEnqueueBytes: expected room for the largest payload/);
    expect(() => defineQueueObject({ maxPayloadBytes: 1_000, maxEnqueueBytes: 5_095 })).toThrow(/maxEnqueueBytes: /);
    expect(() => defineQueueObject({ maxEnqueueBytes: 33_554_433 })).toThrow(/maxEnqueueBytes: /);
    expect(defineQueueObject({ maxPayloadBytes: 1_000, maxEnqueueBytes: 5_096 }).options).toEqual({
      maxPayloadBytes: 1_000,
      maxEnqueueBytes: 5_096,
    });
  });
});

describe('the worker entry', () => {
  it('bundles for workerd with no Node built-in', async () => {
    const { bundle } = await import('./support/workerd.js');
    const code = await bundle('../../src/worker.ts');
    expect(code.includes('export {') && code.includes('QueueObject')).toBe(true);
    expect(code.match(/["']node:[a-z_/]+["']|\brequire\(/g) ?? []).toEqual([]);
  });
});
