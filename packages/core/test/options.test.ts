import { describe, expect, it } from 'vitest';
import { Autoscaler, type AutoscalerOptions, ceilTarget, isFleetError } from '../src/index.js';
import { fixedMetric, memoryProvider } from '../src/testing/index.js';

const base = (): AutoscalerOptions => ({
  metrics: fixedMetric({ pending: 0 }),
  provider: memoryProvider(),
  policy: ceilTarget({ metric: 'pending', perWorker: 5, scaleUpAbove: 8, scaleDownBelow: 2 }),
  min: 1,
  max: 10,
});

function error(options: Record<string, unknown>): Error {
  try {
    new Autoscaler({ ...base(), ...options } as AutoscalerOptions);
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected the options to be refused');
}

describe('Autoscaler options', () => {
  it('fills in documented defaults', () => {
    const o = new Autoscaler(base()).options;
    expect(o).toMatchObject({
      intervalMs: 10_000,
      cooldown: { up: 0, down: 60_000 },
      stabilization: { up: 0, down: 0 },
      onMetricError: { action: 'hold' },
      dryRun: false,
    });
  });

  it.each([
    [{ min: 5, max: 2 }, 'min: min (5) must not be above max (2)'],
    [{ cooldown: { down: -5 } }, 'cooldown.down: Too small: expected number to be >=0, got -5 (number)'],
    [{ max: '10' }, 'max: expected an integer >= 0, got "10" (string)'],
    [{ intervalMs: 0 }, 'intervalMs: Too small: expected number to be >0'],
    [{ metrics: [] }, 'metrics'],
    [{ provider: {} }, 'provider: expected a ScalingProvider'],
    [{ policy: { propose: 1 } }, 'policy: expected a Policy'],
    [{ activation: { metric: 'pending' } }, 'activation: activation needs min: 0'],
    [{ onMetricError: { action: 'fallback', replicas: 20 } }, 'onMetricError.replicas: fallback replicas must lie in [min, max] = [1, 10]'],
    [{ onMetricError: { action: 'panic' } }, 'onMetricError.action'],
    [{ rateLimit: { up: { limits: [{ workers: 2 }] } } }, 'rateLimit.up.limits.0: expected { workers, periodMs } or { percent, periodMs }'],
    [{ min: 0, provider: memoryProvider({ scaleToZero: false }) }, "min: provider 'memory' cannot scale to zero"],
    [{ max: 50, provider: memoryProvider({ maxSize: 20 }) }, "max: max (50) is above provider 'memory' maxSize (20)"],
  ])('refuses %j', (options, message) => {
    const e = error(options);
    expect(isFleetError(e, 'invalid-options')).toBe(true);
    expect(e.message).toMatch(/^\[fleet\] \[core\] invalid Autoscaler options: /);
    expect(e.message).toContain(message);
  });

  it('names every bad field at once', () => {
    const e = error({ min: -1, max: 1.5, intervalMs: 'fast' });
    expect(e.message).toContain('min:');
    expect(e.message).toContain('max:');
    expect(e.message).toContain('intervalMs:');
  });

  it('refuses bad calls on a running Autoscaler without changing it', async () => {
    const scaler = new Autoscaler(base());
    expect(() => scaler.override(-1, { forMs: 1 })).toThrow(/invalid override replicas: Too small: expected number to be >=0, got -1/);
    expect(() => scaler.pause('sideways' as 'all')).toThrow(/pause scope/);
    expect(await scaler.evaluate()).toMatchObject({ code: 'at-min' });
  });
});
