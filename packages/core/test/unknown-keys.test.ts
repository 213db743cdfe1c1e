// A typo in an option is an error naming it, never a silently ignored key.
import { describe, expect, it } from 'vitest';
import { Autoscaler, ceilTarget, combine, queueLatency, targetTracking, thresholds, utilization } from '../src/index.js';
import { fixedMetric, memoryProvider } from '../src/testing/index.js';

const base = {
  metrics: fixedMetric({ ready: 1 }),
  provider: memoryProvider(),
  policy: ceilTarget({ metric: 'ready', perWorker: 5, scaleUpAbove: 8, scaleDownBelow: 2 }),
  max: 10,
};

describe('unknown keys', () => {
  it.each([
    ['top level', { cooldwn: { down: 1 } }, /Unrecognized key: "cooldwn"/],
    ['cooldown', { cooldown: { dwn: 1 } }, /cooldown: Unrecognized key: "dwn"/],
    ['stabilization', { stabilization: { upp: 1 } }, /stabilization: Unrecognized key: "upp"/],
    ['rateLimit', { rateLimit: { upp: { limits: [{ workers: 1, periodMs: 1 }] } } }, /rateLimit: Unrecognized key: "upp"/],
    ['onMetricError', { onMetricError: { action: 'hold', after: 2 } }, /onMetricError: Unrecognized key: "after"/],
    ['retry', { retry: { base: 1 } }, /retry: Unrecognized key: "base"/],
  ])('in the Autoscaler options (%s) are refused, naming the key', (_, extra, message) => {
    expect(() => new Autoscaler({ ...base, ...extra } as never)).toThrow(message);
  });

  it.each([
    ['ceilTarget', () => ceilTarget({ metric: 'ready', perWorker: 5, scaleUpAbove: 8, scaleDownBelow: 2, scaleUpAbve: 9 } as never)],
    ['utilization', () => utilization({ metric: 'm', capacityPerWorker: 1, scaleUpAbove: 0.8, scaleDownBelow: 0.3, stp: 1 } as never)],
    ['targetTracking', () => targetTracking({ metric: 'm', targetValue: 1, tolerence: 0.2 } as never)],
    ['queueLatency', () => queueLatency({ serviceTimeMs: 1, targetWaitMs: 1, backlg: 'x' } as never)],
    ['thresholds', () => thresholds({ up: [{ metric: 'm', above: 1 }], down: [{ metric: 'm', below: 1 }], stp: 2 } as never)],
    ['combine', () => combine({ mode: 'min', mod: 'max' } as never)],
  ])('in %s options are refused', (_, build) => {
    expect(build).toThrow(/Unrecognized key/);
  });
});
