// A typo in an option is an error naming it, never a silently ignored key.
import { describe, expect, it } from 'vitest';
import {
  Autoscaler,
  ceilTarget,
  combine,
  httpJsonMetric,
  processMetrics,
  queueLatency,
  statusHandler,
  targetTracking,
  thresholds,
  utilization,
} from '../src/index.js';
import { fixedMetric, memoryProvider } from '../src/testing/index.js';

const base = {
  metrics: fixedMetric({ ready: 1 }),
  provider: memoryProvider(),
  policy: ceilTarget({ metric: 'ready', perWorker: 5, scaleUpAbove: 8, scaleDownBelow: 2 }),
  max: 10,
};

describe('unknown keys', () => {
  it.each([
    ['top level', { cooldwon: { down: 1 } }, 'unknown key `cooldwon` (did you mean `cooldown`?)'],
    ['cooldown', { cooldown: { donw: 1 } }, 'cooldown: unknown key `donw` (did you mean `down`?)'],
    ['stabilization', { stabilization: { upp: 1 } }, 'stabilization: unknown key `upp` (did you mean `up`?)'],
    ['rateLimit', { rateLimit: { upp: { limits: [{ workers: 1, periodMs: 1 }] } } }, 'rateLimit: unknown key `upp` (did you mean `up`?)'],
    [
      'a rate limit',
      { rateLimit: { up: { limits: [{ workers: 1, periodMs: 1, perodMs: 2 }] } } },
      'rateLimit.up.limits.0: unknown key `perodMs` (did you mean `periodMs`?)',
    ],
    [
      'onMetricError',
      { onMetricError: { action: 'fallback', replicas: 1, aftr: 2 } },
      'onMetricError: unknown key `aftr` (did you mean `after`?)',
    ],
    // `after` belongs to the other actions: the keys of the action given are listed instead.
    ['onMetricError hold', { onMetricError: { action: 'hold', after: 2 } }, 'onMetricError: unknown key `after` (expected `action`)'],
    ['retry', { retry: { base: 1 } }, 'retry: unknown key `base` (did you mean `baseMs`?)'],
    ['a key in another case', { MAX: 3 }, 'unknown key `MAX` (did you mean `max`?)'],
    ['a key like no other', { zzzz: 1 }, 'unknown key `zzzz`'],
  ])('in the Autoscaler options (%s) are refused, naming the key and the closest known one', (_, extra, message) => {
    expect(() => new Autoscaler({ ...base, ...extra } as never)).toThrow(`[fleet] [core] invalid Autoscaler options: ${message}`);
  });

  it.each([
    ['ceilTarget', () => ceilTarget({ metric: 'ready', perWorker: 5, scaleUpAbove: 8, scaleDownBelow: 2, scaleUpAbve: 9 } as never)],
    ['utilization', () => utilization({ metric: 'm', capacityPerWorker: 1, scaleUpAbove: 0.8, scaleDownBelow: 0.3, stp: 1 } as never)],
    ['targetTracking', () => targetTracking({ metric: 'm', targetValue: 1, tolerence: 0.2 } as never)],
    ['queueLatency', () => queueLatency({ serviceTimeMs: 1, targetWaitMs: 1, backlg: 'x' } as never)],
    ['thresholds', () => thresholds({ up: [{ metric: 'm', above: 1 }], down: [{ metric: 'm', below: 1 }], stp: 2 } as never)],
    ['combine', () => combine({ mode: 'min', mod: 'max' } as never)],
  ])('in %s options are refused with a suggestion', (_, build) => {
    expect(build).toThrow(/unknown key `\w+` \(did you mean `\w+`\?\)/);
  });

  it.each([
    [
      'processMetrics',
      () => processMetrics({ prefx: 'a_' } as never),
      'processMetrics options: unknown key `prefx` (did you mean `prefix`?)',
    ],
    [
      'httpJsonMetric',
      () => httpJsonMetric({ url: 'http://127.0.0.1:1/', path: 'a', header: {} } as never),
      'httpJsonMetric options: unknown key `header` (did you mean `headers`?)',
    ],
    [
      'statusHandler',
      () => statusHandler({} as never, { basepath: '/x' } as never),
      'statusHandler options: unknown key `basepath` (did you mean `basePath`?)',
    ],
  ])('in %s options are refused too', (_, build, message) => {
    expect(build).toThrow(`[fleet] [core] invalid ${message}`);
  });
});

describe('a required key left out', () => {
  it('is named as required with what it takes, beside the unknown key given in its place', () => {
    expect(() => ceilTarget({ metric: 'ready', perWroker: 5, scaleUpAbove: 8, scaleDownBelow: 2 } as never)).toThrow(
      '[fleet] [core] invalid ceilTarget() options: perWorker: required, a number > 0; unknown key `perWroker` (did you mean `perWorker`?)',
    );
  });

  it('says what each missing Autoscaler option takes, in the words of its schema', () => {
    expect(() => new Autoscaler({} as never)).toThrow(
      '[fleet] [core] invalid Autoscaler options: ' +
        'metrics: required, a MetricSource: { name, read(signal), keys?: string[] } or an array; ' +
        'provider: required, a ScalingProvider: { name, status(signal), scaleTo(target, request) }; ' +
        'policy: required, a Policy: { name, keys, propose(input) }, e.g. ceilTarget({ ... }); ' +
        'max: required, an integer >= 0',
    );
  });

  it('is not claimed for a key left to its default that a cross-field rule names', () => {
    // min defaults to 1: the rule "min must not be above max" speaks of it, but it is not missing.
    expect(() => new Autoscaler({ ...base, max: 0 })).toThrow(/min: min \(1\) must not be above max \(0\)/);
    expect(() => new Autoscaler({ ...base, max: 0 })).not.toThrow(/required/);
  });

  it('inside a nested option names the full path', () => {
    expect(() => new Autoscaler({ ...base, min: 0, activation: {} } as never)).toThrow(
      '[fleet] [core] invalid Autoscaler options: activation.metric: required, a non-empty string',
    );
  });
});
