import { z } from 'zod';
import { mul } from '../exact.js';
import type { Policy } from '../policy.js';
import { definePolicy, fmt, Load, metricKey, policyOptions, positive, step, stepped, workers } from './common.js';

const fraction = z.number().finite().min(0).max(1_000);

const schema = z
  .strictObject({
    metric: metricKey,
    capacityPerWorker: positive,
    scaleUpAbove: fraction,
    scaleDownBelow: fraction,
    step,
  })
  .refine((o) => o.scaleDownBelow <= o.scaleUpAbove, {
    message: 'scaleDownBelow must not be above scaleUpAbove',
    path: ['scaleDownBelow'],
  });

/** Options of {@link utilization}. Fractions: 0.8 means 80 %. */
export interface UtilizationOptions {
  /** The metric key to read (S2: the mailbox count). */
  metric: string;
  /** What one worker can carry (S2: 1000 mailboxes). */
  capacityPerWorker: number;
  /** Add `step` workers when utilization is above this fraction (S2: 0.8). */
  scaleUpAbove: number;
  /** Remove `step` workers when utilization is below this fraction (S2: 0.3). Not above `scaleUpAbove`. */
  scaleDownBelow: number;
  /** Workers added or removed per decision. @default 1 */
  step?: number;
}
schema satisfies z.ZodType<unknown, UtilizationOptions>;

/**
 * S2's rule: utilization = value / (workers × capacityPerWorker); above `scaleUpAbove` add `step` workers,
 * below `scaleDownBelow` remove `step`; exactly at either boundary, hold.
 *
 * @example utilization({ metric: 'mailboxes', capacityPerWorker: 1000, scaleUpAbove: 0.8, scaleDownBelow: 0.3 })
 */
export function utilization(options: UtilizationOptions): Policy {
  const o = policyOptions('utilization', schema, options);
  const pct = (x: number) => `${fmt(x * 100)} %`;
  return definePolicy(`utilization(${o.metric})`, [o.metric], ({ metrics, current }) => {
    const value = metrics[o.metric] ?? 0;
    // utilization > u  ⇔  value / current > u × capacityPerWorker: one exact per-worker comparison.
    const load = new Load(value, current);
    const used = current === 0 ? (value > 0 ? '∞' : '0 %') : pct(value / (current * o.capacityPerWorker));
    const head = `${fmt(value)} ${o.metric} / (${workers(current)} × ${fmt(o.capacityPerWorker)}) = ${used}`;
    if (load.above(mul(o.scaleUpAbove, o.capacityPerWorker))) {
      const desired = stepped(current, 1, o.step);
      return { desired, reason: `${head} > ${pct(o.scaleUpAbove)}: +${o.step} → ${desired}` };
    }
    if (load.below(mul(o.scaleDownBelow, o.capacityPerWorker))) {
      const desired = stepped(current, -1, o.step);
      return { desired, reason: `${head} < ${pct(o.scaleDownBelow)}: -${o.step} → ${desired}` };
    }
    return {
      desired: current,
      code: 'within-tolerance',
      reason: `${head}, within [${pct(o.scaleDownBelow)}, ${pct(o.scaleUpAbove)}]: hold`,
    };
  });
}
