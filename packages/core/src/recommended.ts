import type { AutoscalerOptions } from './options.js';
import { targetTracking } from './policies/target-tracking.js';

/** Options of {@link recommendedScaling}. */
export interface RecommendedScalingOptions {
  /** The backlog metric: jobs waiting. @default 'pending' */
  metric?: string;
  /** Jobs waiting per worker to aim for. @default 3 */
  perWorker?: number;
  /** @default 1 */
  min?: number;
  max: number;
}

/**
 * Our recommended default for a queue of jobs: target tracking on the backlog (`ceil(pending / perWorker)`,
 * HPA's 10 % tolerance), a tick every 10 s, no cooldowns, and a 30 s down-stabilization window instead: it scales
 * up on the first tick that sees a burst, straight to the size the backlog needs, and comes down 30 s after the
 * backlog is gone rather than after a fixed cooldown. On S0's trace it waits less than S0's own rule and costs
 * fewer worker-seconds (see the comparison table in the core README and `fleet compare`).
 *
 * @example
 * const scaler = new Autoscaler({ metrics: queue.metricSource(), provider, ...recommendedScaling({ metric: 'ready', max: 10 }) });
 */
export function recommendedScaling(
  options: RecommendedScalingOptions,
): Pick<AutoscalerOptions, 'policy' | 'min' | 'max' | 'intervalMs' | 'cooldown' | 'stabilization'> {
  return {
    policy: targetTracking({ metric: options.metric ?? 'pending', averageValue: options.perWorker ?? 3 }),
    min: options.min ?? 1,
    max: options.max,
    intervalMs: 10_000,
    cooldown: { up: 0, down: 0 },
    stabilization: { down: 30_000 },
  };
}
