import type { RuleConfig, Step } from './state.js';

/**
 * The metric keys a tick needs: the policy's and the activation rule's. Any of them missing is an outage; the
 * activation metric counts too, since read as zero while it is out it would take the fleet to zero.
 */
export function keysRead(config: Pick<RuleConfig, 'policy' | 'activation'>): string[] {
  const activation = config.activation?.metric;
  return [...new Set([...config.policy.keys, ...(activation ? [activation] : [])])];
}

/**
 * Rule 1, metric health: a metric the policy needs is missing, failed or stale. By default hold (never
 * scale down on missing data); `fallback` goes to a fixed size after N consecutive outages; `fail-open` to `max`.
 */
export function onOutage(
  config: RuleConfig,
  current: number,
  outageTicks: number,
  missing: readonly string[],
  why: readonly string[],
): Step {
  const what = `no fresh ${missing.join(', ')}${why.length ? ` (${why.join('; ')})` : ''} for ${outageTicks} tick${outageTicks === 1 ? '' : 's'}`;
  const policy = config.onMetricError;
  if (policy.action === 'fallback' && outageTicks >= policy.after) {
    return { value: policy.replicas, code: 'metric-fallback', reason: `${what}: fallback to ${policy.replicas}` };
  }
  if (policy.action === 'fail-open' && outageTicks >= policy.after) {
    return { value: config.max, code: 'metric-fail-open', reason: `${what}: fail open to max ${config.max}` };
  }
  return { value: current, code: 'metric-outage', reason: `${what}: hold at ${current}` };
}

/** During a partial outage (some of a combined policy's sources are out), the fleet may grow but never shrink. */
export function partialOutage(current: number, desired: number, missing: readonly string[]): Step | undefined {
  if (desired >= current) return undefined;
  return {
    value: current,
    code: 'metric-outage',
    reason: `no fresh ${missing.join(', ')}: no scale-down while data is missing, hold at ${current}`,
  };
}
