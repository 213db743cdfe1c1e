/** S0's rule as its own daemon wrote it by hand: the peer `decide()` is measured against. */
export interface S0Rule {
  /** msgs/worker above this scales up to ceil(pending / perWorker). */
  scaleUpAbove: number;
  /** msgs/worker below this scales down to max(ceil(pending / downDivisor), 1). */
  scaleDownBelow: number;
  perWorker: number;
  downDivisor: number;
  max: number;
  cooldownDownMs: number;
}

export const S0: S0Rule = {
  scaleUpAbove: 8,
  scaleDownBelow: 2,
  perWorker: 5,
  downDivisor: 7.5,
  max: 10,
  cooldownDownMs: 60_000,
};

/**
 * `calculateOptimalWorkers(pending, current)` with S0's thresholds hard-coded and its 60 s scale-down cooldown
 * kept in a closure (counted from the last scale-down, as S0 did). `now` reads the bench's clock.
 */
export function createCalculateOptimalWorkers(now: () => number, rule: S0Rule = S0) {
  let lastScaleDownAt = Number.NEGATIVE_INFINITY;
  return function calculateOptimalWorkers(pending: number, current: number): number {
    let desired = current;
    if (pending === 0) desired = 1;
    else {
      const perWorker = pending / current;
      if (perWorker > rule.scaleUpAbove) desired = Math.min(Math.ceil(pending / rule.perWorker), rule.max);
      else if (perWorker < rule.scaleDownBelow) desired = Math.max(Math.ceil(pending / rule.downDivisor), 1);
    }
    if (desired < current) {
      if (now() - lastScaleDownAt < rule.cooldownDownMs) return current;
      lastScaleDownAt = now();
    }
    return desired;
  };
}
