import { z } from 'zod';
import { describeValue, fleetError, parseWith } from './errors.js';

const encoder = new TextEncoder();
let buffer = new Uint8Array(256);

/**
 * MurmurHash3 (x86, 32-bit) of the UTF-8 bytes of `text`: fast, well mixed and deterministic, and the same as
 * `mmh3.hash(text, seed, signed=False)` in Python or Guava's `murmur3_32_fixed`, so a worker written in another
 * language can compute the same shards.
 *
 * @param seed - The hash seed. @default 0
 * @returns an unsigned 32-bit integer
 */
export function murmur3(text: string, seed = 0): number {
  const length = utf8(text);
  let h = seed >>> 0;
  const blocks = length & ~3;
  for (let i = 0; i < blocks; i += 4) {
    const k = buffer[i]! | (buffer[i + 1]! << 8) | (buffer[i + 2]! << 16) | (buffer[i + 3]! << 24);
    h ^= scramble(k);
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  // The 1–3 tail bytes, little-endian, as MurmurHash3's fall-through switch does.
  const tail = length & 3;
  if (tail > 0) {
    let k = 0;
    for (let i = tail - 1; i >= 0; i--) k = (k << 8) | buffer[blocks + i]!;
    h ^= scramble(k);
  }
  return fmix32(h ^ length);
}

/** Writes `text` as UTF-8 into `buffer`, returning the byte count; ASCII (most keys) skips the encoder. */
function utf8(text: string): number {
  if (buffer.length < text.length * 3) buffer = new Uint8Array(text.length * 3);
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code >= 0x80) return encoder.encodeInto(text, buffer).written;
    buffer[i] = code;
  }
  return text.length;
}

function scramble(k: number): number {
  k = Math.imul(k, 0xcc9e2d51);
  k = (k << 15) | (k >>> 17);
  return Math.imul(k, 0x1b873593);
}

/** Murmur3's finalizer: a bijection on 32 bits where every input bit flips each output bit with probability ~1/2. */
function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

// Members are hashed with another seed than keys, so a key equal to a member id is not special.
const MEMBER_SEED = 0x9747b28c;

const keySchema = z.string();
const countSchema = z.number().int().positive();
const idsSchema = z
  .array(z.string().min(1, 'member ids must be non-empty strings'))
  .min(1, 'expected at least one member')
  .superRefine((ids, ctx) => {
    const seen = new Set<string>();
    for (const id of ids) {
      if (seen.has(id)) ctx.addIssue({ code: 'custom', message: `duplicate member id ${JSON.stringify(id)}` });
      seen.add(id);
    }
  });

// The same rules as the schemas, checked by hand first: zod costs more than the hashing in a loop over many keys.
function valid(key: unknown, members: unknown): boolean {
  if (typeof key !== 'string') return false;
  if (typeof members === 'number') return Number.isSafeInteger(members) && members > 0;
  if (!Array.isArray(members) || members.length === 0) return false;
  if (!members.every((id) => typeof id === 'string' && id.length > 0)) return false;
  return members.length < 2 || new Set(members).size === members.length;
}

function validate(fn: string, key: unknown, members: unknown): asserts members is readonly string[] | number {
  if (valid(key, members)) return;
  parseWith(keySchema, key, 'core', `${fn} key`, 'invalid-input');
  const schema = typeof members === 'number' ? countSchema : idsSchema;
  parseWith(schema, members, 'core', `${fn} members (a positive count or unique ids)`, 'invalid-input');
}

function pick(key: string, members: readonly string[] | number): number {
  const k = murmur3(key);
  const count = typeof members === 'number' ? members : members.length;
  let best = -1;
  let bestWeight = -1;
  let bestId = '';
  for (let i = 0; i < count; i++) {
    const id = typeof members === 'number' ? String(i) : members[i]!;
    // XOR then a bijective mix: for any two members, each wins exactly half of all key hashes.
    const weight = fmix32(k ^ murmur3(id, MEMBER_SEED));
    // Ties go to the smaller id, so the answer does not depend on the order members are listed in.
    if (weight > bestWeight || (weight === bestWeight && id < bestId)) {
      best = i;
      bestWeight = weight;
      bestId = id;
    }
  }
  return best;
}

/**
 * The member that owns `key`, by rendezvous (highest-random-weight) hashing: every member scores the key with a
 * hash of (key, member) and the highest score wins.
 *
 * Why not `hash(key) % count` (S1's `WORKER_ID % WORKER_COUNT`): when the count changes from n to n + 1, modulo
 * moves about n/(n + 1) of all keys (90 % at ten workers), so every worker drops and picks up work at once.
 * Rendezvous hashing moves only the ~1/(n + 1) of keys the new member wins, and removing a member moves only
 * the keys it owned; the others never change hands. It needs no ring, no virtual nodes and no shared state:
 * every worker computes the same answer from the same member list, in any order.
 *
 * @param members A count `n` (members are `0..n-1`, and the index is returned; the same as the ids `'0'..'n-1'`),
 *   or the live member ids (the id is returned). Ids must be unique and non-empty.
 * @throws FleetError `invalid-input` for an empty member list, duplicate ids, or a non-string key.
 * @example shardOf('mailbox-42@example.com', ['worker-a', 'worker-b', 'worker-c']) // 'worker-a'
 */
export function shardOf(key: string, members: readonly string[]): string;
export function shardOf(key: string, members: number): number;
export function shardOf(key: string, members: readonly string[] | number): string | number;
export function shardOf(key: string, members: readonly string[] | number): string | number {
  validate('shardOf', key, members);
  const index = pick(key, members);
  return typeof members === 'number' ? index : members[index]!;
}

/** Who is asking, among whom: the second argument of {@link owns}. */
export interface ShardMembership {
  /** This worker: an index with a member count, an id with a member list. */
  workerId: string | number;
  /** A count `n` (ids `0..n-1`) or the live member ids, as in {@link shardOf}. */
  members: readonly string[] | number;
}

/**
 * Whether `workerId` owns `key` among `members` ({@link shardOf} with the same arguments names it). Exactly one
 * member owns each key. A worker that is not among the members (not registered yet, or just removed) owns
 * nothing: the answer is `false`, not an error.
 *
 * @throws FleetError `invalid-input` for bad members (as {@link shardOf}), or a `workerId` of the wrong kind
 *   (a string id with a member count, or a number with a list of ids: `Number(process.env.WORKER_ID)` is the
 *   usual fix).
 * @example if (owns(mailbox, { workerId: Number(process.env.WORKER_ID), members: workerCount })) warmUp(mailbox);
 */
export function owns(key: string, membership: ShardMembership): boolean {
  const { workerId, members } = (membership ?? {}) as Partial<ShardMembership>;
  validate('owns', key, members);
  if (typeof members === 'number') {
    if (typeof workerId !== 'number' || Number.isNaN(workerId)) {
      throw wrongKind('a numeric index with a member count', workerId);
    }
    return Number.isInteger(workerId) && workerId >= 0 && workerId < members && pick(key, members) === workerId;
  }
  if (typeof workerId !== 'string') throw wrongKind('a string id with a list of member ids', workerId);
  return members.includes(workerId) && members[pick(key, members)] === workerId;
}

function wrongKind(expected: string, given: unknown) {
  const message = `invalid owns membership: workerId: expected ${expected}, got ${describeValue(given)}`;
  return fleetError('core', 'invalid-input', message);
}
