import type { AutoscalerOptions } from '../options.js';
import { ceilTarget } from '../policies/ceil-target.js';
import { targetTracking } from '../policies/target-tracking.js';
import { utilization } from '../policies/utilization.js';
import { recommendedScaling } from '../recommended.js';
import type { SimulationTrace } from './compare.js';
import { burstArrivals } from './traces.js';

/** Autoscaler options a simulation takes: everything but the metrics, the provider and the clock. */
export type SimulatedScaling = Omit<AutoscalerOptions, 'metrics' | 'provider' | 'clock'>;

/**
 * S0's trace: a burst of 16 messages, then 50 more 30 s later; 80 % are hot (1.2 s to answer) and 20 % cold
 * (13 s); a new worker takes 2 s to start; 4 minutes, so the fleet has time to come back down.
 */
export const s0Trace: SimulationTrace = {
  name: 'S0 bursts (16, then 50; 80 % at 1.2 s, 20 % at 13 s; 2 s start-up)',
  arrivals: burstArrivals({ sizes: [16, 50], everyMs: 30_000 }),
  serviceTimeMs: {
    type: 'mix',
    mix: [
      { ms: 1_200, weight: 80 },
      { ms: 13_000, weight: 20 },
    ],
  },
  startupMs: 2_000,
  durationMs: 240_000,
  seed: 1,
};

/**
 * The contenders on {@link s0Trace}, 1–10 workers each: S0's original rule (ceilTarget, 10 s ticks, 60 s down
 * cooldown); S2's step rule (utilization ±1 at 80 % / 30 % of 5 per worker, S2's cooldowns of one tick up and two
 * down at S0's 10 s tick); HPA-style target tracking (5 per worker, 15 s sync, 300 s down-stabilization, up by
 * at most max(4 pods, 100 %) per 15 s); and {@link recommendedScaling}.
 */
export const s0Contenders: Record<string, SimulatedScaling> = {
  'S0 original (ceilTarget)': {
    policy: ceilTarget({ metric: 'pending', perWorker: 5, scaleUpAbove: 8, scaleDownBelow: 2, downDivisor: 7.5 }),
    min: 1,
    max: 10,
    intervalMs: 10_000,
    cooldown: { up: 0, down: 60_000 },
  },
  'S2 step (utilization ±1)': {
    policy: utilization({ metric: 'pending', capacityPerWorker: 5, scaleUpAbove: 0.8, scaleDownBelow: 0.3 }),
    min: 1,
    max: 10,
    intervalMs: 10_000,
    cooldown: { up: 10_000, down: 20_000 },
  },
  'HPA target tracking': {
    policy: targetTracking({ metric: 'pending', averageValue: 5 }),
    min: 1,
    max: 10,
    intervalMs: 15_000,
    cooldown: { up: 0, down: 0 },
    stabilization: { down: 300_000 },
    rateLimit: {
      up: {
        limits: [
          { workers: 4, periodMs: 15_000 },
          { percent: 100, periodMs: 15_000 },
        ],
      },
    },
  },
  'recommended (recommendedScaling)': recommendedScaling({ metric: 'pending', max: 10 }),
};
