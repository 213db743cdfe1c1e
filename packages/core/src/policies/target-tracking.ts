import { z } from 'zod';
import { add, ceil, cmp, div, type Fraction, mul } from '../exact.js';
import type { Policy } from '../policy.js';
import { definePolicy, fmt, metricKey, policyOptions, positive, workers } from './common.js';

const tolerance = z.number().finite().min(0).max(1);

const schema = z
  .strictObject({
    metric: metricKey,
    targetValue: positive.optional(),
    averageValue: positive.optional(),
    tolerance: z.union([tolerance, z.strictObject({ up: tolerance.default(0.1), down: tolerance.default(0.1) })]).default(0.1),
    basis: z.enum(['current', 'ready']).default('current'),
  })
  .refine((o) => (o.targetValue === undefined) !== (o.averageValue === undefined), {
    message: 'expected exactly one of targetValue, averageValue',
    path: ['targetValue'],
  });

/** Options of {@link targetTracking}: exactly one of `targetValue` and `averageValue`. */
export interface TargetTrackingOptions {
  /** The metric key to read. */
  metric: string;
  /** Keep the metric at this value; the fleet scales with `value / targetValue` (average CPU, latency). */
  targetValue?: number;
  /** Each worker should carry this much of the metric, a total (pending jobs per worker). */
  averageValue?: number;
  /** The dead band around a ratio of 1, boundaries included, one for both directions or one each. @default 0.1 */
  tolerance?: number | { up?: number; down?: number };
  /** Size the `targetValue` form on the current size, or on the ready count as HPA does for object metrics. @default 'current' */
  basis?: 'current' | 'ready';
}
schema satisfies z.ZodType<unknown, TargetTrackingOptions>;

/**
 * Kubernetes HPA's (and Nomad's target-value) rule.
 *
 * - `targetValue`: the metric scales with the fleet (average CPU, latency, or a total the fleet should keep
 *   at `targetValue`): `desired = ceil(n × value / targetValue)`, n being the current size (or the ready
 *   count with `basis: 'ready'`, as HPA does for Object and External metrics).
 * - `averageValue`: the metric is a total and each worker should carry `averageValue` of it:
 *   `desired = ceil(total / averageValue)`.
 *
 * Inside the dead band `|1 − ratio| ≤ tolerance` (per direction, boundaries included) it holds.
 *
 * @example targetTracking({ metric: 'cpu', targetValue: 60 })
 * @example targetTracking({ metric: 'pending', averageValue: 5, tolerance: { up: 0, down: 0.2 } })
 */
export function targetTracking(options: TargetTrackingOptions): Policy {
  const o = policyOptions('targetTracking', schema, options);
  const tol = typeof o.tolerance === 'number' ? { up: o.tolerance, down: o.tolerance } : o.tolerance;
  const average = o.averageValue !== undefined;
  const target = (o.averageValue ?? o.targetValue) as number;
  return definePolicy(`targetTracking(${o.metric})`, [o.metric], ({ metrics, current, ready }) => {
    const value = metrics[o.metric] ?? 0;
    const n = o.basis === 'ready' ? ready : current;
    if (current === 0) {
      const desired = ceil(div(value, target));
      return { desired, reason: `0 workers, ${o.metric} ${fmt(value)} / ${fmt(target)}: ceil = ${desired}` };
    }
    // ratio = value / target, or total / (average × current); compared to 1 ± tolerance exactly.
    const ratio: Fraction = average ? div(value, mul(target, current)) : div(value, target);
    const shown = `${o.metric} ${fmt(value)}${average ? ` over ${workers(current)}` : ''} vs target ${fmt(target)}${average ? '/worker' : ''}: ratio ${fmt(ratio)}`;
    if (cmp(ratio, add(1, tol.up)) <= 0 && cmp(ratio, add(1, -tol.down)) >= 0) {
      return { desired: current, code: 'within-tolerance', reason: `${shown}, within tolerance (−${fmt(tol.down)}/+${fmt(tol.up)}): hold` };
    }
    const desired = average ? ceil(div(value, target)) : ceil(mul(ratio, n));
    const formula = average ? `ceil(${fmt(value)}/${fmt(target)})` : `ceil(${fmt(ratio)} × ${n}${o.basis === 'ready' ? ' ready' : ''})`;
    return { desired, reason: `${shown}: ${formula} = ${desired}` };
  });
}
