import { z } from 'zod';
import { add, ceil, cmp, div, mul } from '../exact.js';
import type { Policy } from '../policy.js';
import { definePolicy, fmt, metricKey, policyOptions, positive } from './common.js';

const schema = z.strictObject({
  backlog: metricKey.default('ready'),
  arrivalRate: metricKey.optional(),
  oldestAge: metricKey.optional(),
  serviceTimeMs: positive,
  targetWaitMs: positive,
});

/** Options of {@link queueLatency}. */
export interface QueueLatencyOptions {
  /** The metric key of the jobs waiting. @default 'ready' */
  backlog?: string;
  /** The metric key of arrivals per second (see `rateOf`). Without it, only the backlog counts. */
  arrivalRate?: string;
  /** The metric key of the oldest waiting job's age in ms: no scale-down while it exceeds `targetWaitMs`. */
  oldestAge?: string;
  /** How long one job keeps one worker busy, in ms. */
  serviceTimeMs: number;
  /** The wait you aim for, in ms. */
  targetWaitMs: number;
}
schema satisfies z.ZodType<unknown, QueueLatencyOptions>;

/**
 * Sizes the fleet for wait time rather than depth (Little's law): enough workers to keep up with arrivals
 * (`arrivalRate × serviceTime`, arrivals per second) plus enough to clear the backlog within the target wait
 * (`backlog × serviceTime / targetWait`). While the oldest job has already waited longer than the target,
 * it never scales down.
 *
 * `arrivalRate` can come from a queue's `enqueuedTotal` counter through `rateOf`.
 *
 * @example queueLatency({ backlog: 'ready', arrivalRate: 'arrivalRate', oldestAge: 'oldestReadyAgeMs', serviceTimeMs: 1200, targetWaitMs: 5000 })
 */
export function queueLatency(options: QueueLatencyOptions): Policy {
  const o = policyOptions('queueLatency', schema, options);
  const keys = [o.backlog, o.arrivalRate, o.oldestAge].filter((k): k is string => k !== undefined);
  return definePolicy(`queueLatency(${o.backlog})`, keys, ({ metrics, current }) => {
    const backlog = metrics[o.backlog] ?? 0;
    const rate = o.arrivalRate ? (metrics[o.arrivalRate] ?? 0) : 0;
    const serving = mul(rate, div(o.serviceTimeMs, 1000));
    const draining = div(mul(backlog, o.serviceTimeMs), o.targetWaitMs);
    let desired = ceil(add(serving, draining));
    let reason = `${fmt(rate)}/s × ${fmt(o.serviceTimeMs)} ms + ${fmt(backlog)} backlog × ${fmt(o.serviceTimeMs)} ms / ${fmt(o.targetWaitMs)} ms = ${fmt(add(serving, draining))}: ceil = ${desired}`;
    const oldest = o.oldestAge ? metrics[o.oldestAge] : undefined;
    if (oldest !== undefined && cmp(oldest, o.targetWaitMs) > 0 && desired < current) {
      desired = current;
      reason += `; oldest job waited ${fmt(oldest)} ms > ${fmt(o.targetWaitMs)} ms, so no scale-down: hold`;
    }
    return { desired, reason };
  });
}
