import type { Policy } from '../policy.js';

/**
 * A policy that proposes the value of one metric as the fleet size, for tests that steer an Autoscaler by hand:
 * pair it with {@link fixedMetric} and `set({ desired: n })` to ask for n workers, through every rule (bounds,
 * cooldowns, metric health) the Autoscaler applies, against a real provider.
 *
 * @param key - the metric to follow. @default 'desired'
 * @example new Autoscaler({ metrics: fixedMetric({ desired: 1 }), provider, policy: followMetric(), min: 1, max: 5 })
 */
export function followMetric(key = 'desired'): Policy {
  return {
    name: `follow '${key}'`,
    keys: [key],
    propose: ({ metrics }) => ({ desired: metrics[key] as number, reason: `follows '${key}' = ${metrics[key]}` }),
  };
}
