// The Autoscaler the statusHandler tests serve: 3 pending on 1 worker (a hold), counting the ticks it runs.
import { Autoscaler, ceilTarget } from '../../src/index.js';
import { fixedMetric, memoryProvider } from '../../src/testing/index.js';

export function statusScaler(): { scaler: Autoscaler; ticks: () => number } {
  const scaler = new Autoscaler({
    metrics: fixedMetric({ pending: 3 }),
    provider: memoryProvider({ initial: 1 }),
    policy: ceilTarget({ metric: 'pending', perWorker: 5, scaleUpAbove: 8, scaleDownBelow: 2 }),
    max: 5,
  });
  let ticks = 0;
  scaler.on('decision', () => ticks++);
  return { scaler, ticks: () => ticks };
}
