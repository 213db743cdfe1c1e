import { z } from 'zod';

/**
 * How long a worker takes per job: a fixed number of ms, a weighted mix (S0: 80 % hot at 1.2 s, 20 % cold at 13 s),
 * a uniform range, or an exponential distribution. Draws come from a seeded generator, so runs are repeatable.
 */
export type ServiceTime =
  | number
  | { type: 'mix'; mix: Array<{ ms: number; weight: number }> }
  | { type: 'uniform'; minMs: number; maxMs: number }
  | { type: 'exponential'; meanMs: number };

const positive = z.number().positive();
export const serviceTimeSchema = z.union([
  z.number().int().positive(),
  z.strictObject({
    type: z.literal('mix'),
    mix: z.array(z.strictObject({ ms: positive, weight: positive })).min(1),
  }),
  z.strictObject({ type: z.literal('uniform'), minMs: positive, maxMs: positive }).refine((u) => u.minMs <= u.maxMs, {
    message: 'expected minMs <= maxMs',
  }),
  z.strictObject({ type: z.literal('exponential'), meanMs: positive }),
]);
serviceTimeSchema satisfies z.ZodType<unknown, ServiceTime>;

/** mulberry32: a small, fast, seeded PRNG in [0, 1). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A function that draws one service time in whole ms. */
export function serviceTimeSampler(spec: ServiceTime, random: () => number): () => number {
  if (typeof spec === 'number') return () => spec;
  switch (spec.type) {
    case 'mix': {
      const total = spec.mix.reduce((sum, m) => sum + m.weight, 0);
      return () => {
        let r = random() * total;
        for (const m of spec.mix) {
          r -= m.weight;
          if (r < 0) return Math.round(m.ms);
        }
        return Math.round((spec.mix[spec.mix.length - 1] as { ms: number }).ms);
      };
    }
    case 'uniform':
      return () => Math.round(spec.minMs + random() * (spec.maxMs - spec.minMs));
    case 'exponential':
      return () => Math.max(1, Math.round(-spec.meanMs * Math.log(1 - random())));
  }
}
