/**
 * Every code a Decision can carry; each names the rule that bound the result.
 * When several rules bind, the first in the Autoscaler's order names it.
 */
export const DECISION_CODES = [
  /** The policy's desire, applied as is (or already met). */
  'policy',
  /** The policy threw or returned something that is not a non-negative integer: hold. */
  'policy-error',
  /** The policy holds: the figure is inside its dead band (boundaries included). */
  'within-tolerance',
  /** A metric the policy needs is missing, failed or stale: hold (never scale down on missing data). */
  'metric-outage',
  /** After N consecutive outages, `onMetricError: { action: 'fallback' }` set a fixed size. */
  'metric-fallback',
  /** `onMetricError: { action: 'fail-open' }` went to `max`. */
  'metric-fail-open',
  /** The current size was outside [min, max] and went straight to the bound. */
  'out-of-bounds',
  /** The desire was above `max`. */
  'at-max',
  /** The desire was below `min`. */
  'at-min',
  /** `min: 0` with an `activation` threshold kept the fleet at (or above) zero. */
  'activation',
  /** A stabilization window held the desire to an earlier recommendation. */
  'stabilized',
  /** A cooldown blocked the change. */
  'cooldown',
  /** A rate limit cut the change. */
  'rate-limited',
  /** A manual `override` set the size. */
  'override',
  /** Scaling is paused (all, scale-in or scale-out). */
  'paused',
  /** `dryRun`: the decision was made but the provider was not called. */
  'dry-run',
  /** This instance is not the leader; another one acts. */
  'not-leader',
  /** The provider's status could not be read: nothing was decided. */
  'provider-error',
  /** A previous `scaleTo` failed; the next try waits for its backoff. */
  'provider-backoff',
] as const;

/** A rule name carried by every Decision. */
export type DecisionCode = (typeof DECISION_CODES)[number];

/** Which way a tick moved the fleet. */
export type DecisionAction = 'scale-up' | 'scale-down' | 'hold';

/** What one tick decided, and why. */
export interface Decision {
  /** Time of the tick (ms since epoch, from the Autoscaler's clock). */
  at: number;
  action: DecisionAction;
  /** Size before the tick (the provider's target). */
  from: number;
  /** Size after the tick (equal to `from` on hold). */
  to: number;
  /** The policy's raw desire, before bounds and rules. */
  desired: number;
  /** The rule that bound the result. */
  code: DecisionCode;
  /** A sentence a person understands. */
  reason: string;
  /** The readings the decision saw (missing keys are absent). */
  metrics: Readonly<Record<string, number>>;
}

/** The action that moves `from` to `to`. */
export function actionOf(from: number, to: number): DecisionAction {
  return to > from ? 'scale-up' : to < from ? 'scale-down' : 'hold';
}
