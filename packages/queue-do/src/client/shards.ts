import { parseWith, shardOf } from '@fleet/core';
import { z } from 'zod';

/** Options of {@link queueShard} and {@link queueShards}. */
export interface ShardOptions {
  /** How many objects the queue is spread over, a positive integer. Changing it moves about 1/n of the keys. */
  shards: number;
}

const SCOPE = 'queue-do';
const schema = z.strictObject({
  queue: z.string().regex(/^[A-Za-z0-9._~:@-]{1,120}$/, 'expected 1-120 characters of A-Z a-z 0-9 . _ ~ : @ -'),
  shards: z.number().int().min(1).max(1_000),
});

/**
 * The names of the objects a large queue is spread over: `mail.0`, `mail.1`… One object serves on the order of a
 * thousand requests per second; past that, give each shard its own object and its own {@link doQueue}.
 */
export function queueShards(queue: string, options: ShardOptions): string[] {
  const o = parseWith(schema, { queue, ...options }, SCOPE, 'queueShards() arguments');
  return Array.from({ length: o.shards }, (_, i) => `${o.queue}.${i}`);
}

/**
 * The shard a job with this key goes to, by rendezvous hashing (core's `shardOf`), so that every producer picks
 * the same one without coordination. Workers claim from every shard (round-robin, or one shard per worker).
 *
 * @example
 * const name = queueShard('mail', mailbox.id, { shards: 8 });
 * await doQueue({ url, token, queue: name }).enqueue({ payload: mailbox, dedupKey: mailbox.id });
 */
export function queueShard(queue: string, key: string, options: ShardOptions): string {
  const names = queueShards(queue, options);
  return shardOf(key, names);
}
