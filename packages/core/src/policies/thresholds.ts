import { z } from 'zod';
import type { Policy } from '../policy.js';
import { definePolicy, fmt, Load, metricKey, policyOptions, step, stepped } from './common.js';

const comparators = { above: '>', below: '<', atLeast: '≥', atMost: '≤' } as const;
type Comparator = keyof typeof comparators;

const rule = z
  .strictObject({
    metric: metricKey,
    above: z.number().finite().optional(),
    below: z.number().finite().optional(),
    atLeast: z.number().finite().optional(),
    atMost: z.number().finite().optional(),
    /** Compare `value / workers` instead of `value` (S3's "queue > 3 × workers"). */
    perWorker: z.boolean().default(false),
  })
  .refine((r) => Object.keys(comparators).filter((k) => r[k as Comparator] !== undefined).length === 1, {
    message: 'expected exactly one of above, below, atLeast, atMost',
  });

const schema = z.strictObject({
  up: z.array(rule).min(1, 'expected at least one up rule'),
  down: z.array(rule).min(1, 'expected at least one down rule'),
  step,
});

/** One comparison, with exactly one of `above`, `below`, `atLeast`, `atMost`: `{ metric: 'cpu', above: 60 }`. */
export interface ThresholdRule {
  /** The metric key to read. */
  metric: string;
  /** Holds when the figure is strictly above this. */
  above?: number;
  /** Holds when the figure is strictly below this. */
  below?: number;
  /** Holds when the figure is at least this. */
  atLeast?: number;
  /** Holds when the figure is at most this (`{ metric: 'queue', atMost: 0 }`: the queue is empty). */
  atMost?: number;
  /** Compare `value / workers` instead of `value` (S3's "queue > 3 × workers"). @default false */
  perWorker?: boolean;
}
/** Options of {@link thresholds}. */
export interface ThresholdsOptions {
  /** Scale up when ANY of these holds. */
  up: ThresholdRule[];
  /** Scale down only when ALL of these hold. */
  down: ThresholdRule[];
  /** Workers added or removed per decision. @default 1 */
  step?: number;
}
schema satisfies z.ZodType<unknown, ThresholdsOptions>;

type ParsedRule = z.output<typeof rule>;

function check(r: ParsedRule, metrics: Readonly<Record<string, number>>, current: number) {
  const [op, threshold] = Object.entries(comparators)
    .map(([k]) => [k as Comparator, r[k as Comparator]] as const)
    .find(([, t]) => t !== undefined) as [Comparator, number];
  const value = metrics[r.metric] ?? 0;
  // A per-worker figure uses the same exact comparison as every other policy (infinite with 0 workers).
  const c = new Load(value, r.perWorker ? current : 1).compare(threshold);
  const holds = op === 'above' ? c > 0 : op === 'below' ? c < 0 : op === 'atLeast' ? c >= 0 : c <= 0;
  const shown = r.perWorker ? `${r.metric} ${new Load(value, current)}` : `${r.metric} ${fmt(value)}`;
  return { holds, text: `${shown} ${holds ? '' : 'not '}${comparators[op]} ${fmt(threshold)}` };
}

/**
 * S3's rule: scale up by `step` when ANY up rule holds; scale down by `step` only when ALL down rules hold;
 * otherwise hold. Comparisons are strict for `above`/`below`, so boundaries hold.
 *
 * @example
 * thresholds({
 *   up: [{ metric: 'cpu', above: 60 }, { metric: 'queue', above: 3, perWorker: true }],
 *   down: [{ metric: 'cpu', below: 30 }, { metric: 'queue', atMost: 0 }],
 * })
 */
export function thresholds(options: ThresholdsOptions): Policy {
  const o = policyOptions('thresholds', schema, options);
  const keys = [...new Set([...o.up, ...o.down].map((r) => r.metric))];
  return definePolicy(`thresholds(${keys.join(', ')})`, keys, ({ metrics, current }) => {
    const up = o.up.map((r) => check(r, metrics, current));
    const fired = up.filter((r) => r.holds);
    if (fired.length > 0) {
      const desired = stepped(current, 1, o.step);
      return { desired, reason: `${fired.map((r) => r.text).join(' and ')}: +${o.step} → ${desired}` };
    }
    const down = o.down.map((r) => check(r, metrics, current));
    if (down.every((r) => r.holds)) {
      const desired = stepped(current, -1, o.step);
      return { desired, reason: `all down rules hold (${down.map((r) => r.text).join(', ')}): -${o.step} → ${desired}` };
    }
    const blocking = down.filter((r) => !r.holds).map((r) => r.text);
    return { desired: current, code: 'within-tolerance', reason: `no up rule holds; down blocked by ${blocking.join(', ')}: hold` };
  });
}
