import { z } from 'zod';
import { ceil, div } from '../exact.js';
import type { Policy } from '../policy.js';
import { definePolicy, fmt, Load, metricKey, nonNegative, policyOptions, positive, workers } from './common.js';

const schema = z
  .strictObject({
    metric: metricKey,
    perWorker: positive,
    scaleUpAbove: positive,
    scaleDownBelow: nonNegative,
    downDivisor: positive.optional(),
  })
  .refine((o) => o.scaleDownBelow <= o.scaleUpAbove, {
    message: 'scaleDownBelow must not be above scaleUpAbove',
    path: ['scaleDownBelow'],
  });

/** Options of {@link ceilTarget}. */
export interface CeilTargetOptions {
  /** The metric key to read, such as a queue's `ready` count. */
  metric: string;
  /** Jobs one worker should carry when scaling up: the desire is `ceil(value / perWorker)`. */
  perWorker: number;
  /** Scale up when the load per worker is above this (S0: 8). */
  scaleUpAbove: number;
  /** Scale down when the load per worker is below this (S0: 2). Not above `scaleUpAbove`. */
  scaleDownBelow: number;
  /** Jobs per worker when scaling down: `ceil(value / downDivisor)` (S0: 7.5). @default perWorker */
  downDivisor?: number;
}
schema satisfies z.ZodType<unknown, CeilTargetOptions>;

/**
 * S0's rule: when the load per worker is above `scaleUpAbove`, size the fleet to `ceil(value / perWorker)`;
 * when it is below `scaleDownBelow`, to `ceil(value / downDivisor)`; in between (boundaries included), hold.
 * An empty queue asks for 0 (`min` floors it).
 *
 * @example ceilTarget({ metric: 'pending', perWorker: 5, scaleUpAbove: 8, scaleDownBelow: 2, downDivisor: 7.5 })
 */
export function ceilTarget(options: CeilTargetOptions): Policy {
  const o = policyOptions('ceilTarget', schema, options);
  const downDivisor = o.downDivisor ?? o.perWorker;
  return definePolicy(`ceilTarget(${o.metric})`, [o.metric], ({ metrics, current }) => {
    const value = metrics[o.metric] ?? 0;
    const load = new Load(value, current);
    const over = `${fmt(value)} ${o.metric} over ${workers(current)} = ${load}`;
    if (value <= 0) return { desired: 0, reason: `${fmt(value)} ${o.metric}: nothing to do, 0 workers needed` };
    if (load.above(o.scaleUpAbove)) {
      const desired = ceil(div(value, o.perWorker));
      return { desired, reason: `${over} > ${fmt(o.scaleUpAbove)}: ceil(${fmt(value)}/${fmt(o.perWorker)}) = ${desired}` };
    }
    if (load.below(o.scaleDownBelow)) {
      const desired = ceil(div(value, downDivisor));
      return { desired, reason: `${over} < ${fmt(o.scaleDownBelow)}: ceil(${fmt(value)}/${fmt(downDivisor)}) = ${desired}` };
    }
    return {
      desired: current,
      code: 'within-tolerance',
      reason: `${over}, within [${fmt(o.scaleDownBelow)}, ${fmt(o.scaleUpAbove)}]: hold`,
    };
  });
}
