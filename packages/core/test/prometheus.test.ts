import * as client from 'prom-client';
import { describe, expect, it } from 'vitest';
import { Autoscaler, ceilTarget, prometheusCollector } from '../src/index.js';
import { FakeClock, fixedMetric, memoryProvider } from '../src/testing/index.js';

describe('prometheusCollector', () => {
  it('exports workers, decisions by code, errors and tick durations through a real prom-client registry', async () => {
    const registry = new client.Registry();
    const clock = new FakeClock();
    const queue = fixedMetric({ pending: 16 });
    const provider = memoryProvider({ clock, initial: 1 });
    const scaler = new Autoscaler({
      name: 'bots',
      clock,
      metrics: queue,
      provider,
      policy: ceilTarget({ metric: 'pending', perWorker: 5, scaleUpAbove: 8, scaleDownBelow: 2 }),
      max: 10,
    });
    const detach = prometheusCollector(scaler, { client, registry });
    await scaler.evaluate();
    queue.failNext(1);
    await scaler.evaluate();
    const text = await registry.metrics();
    expect(text).toContain('fleet_workers{autoscaler="bots",state="target"} 4');
    expect(text).toContain('fleet_decisions_total{autoscaler="bots",code="policy",action="scale-up"} 1');
    expect(text).toContain('fleet_decisions_total{autoscaler="bots",code="metric-outage",action="hold"} 1');
    expect(text).toContain('fleet_errors_total{autoscaler="bots",phase="metric"} 1');
    expect(text).toContain('fleet_scaled_total{autoscaler="bots",direction="up"} 1');
    expect(text).toContain('fleet_tick_duration_seconds_count{autoscaler="bots"} 2');
    detach();
    await scaler.evaluate();
    expect(await registry.metrics()).toContain('fleet_tick_duration_seconds_count{autoscaler="bots"} 2');
  });

  it('says what to pass when prom-client is not given', () => {
    const scaler = new Autoscaler({
      metrics: fixedMetric({ p: 0 }),
      provider: memoryProvider(),
      policy: ceilTarget({ metric: 'p', perWorker: 1, scaleUpAbove: 2, scaleDownBelow: 1 }),
      max: 2,
    });
    expect(() => prometheusCollector(scaler, { client: undefined as never })).toThrow(/npm i prom-client/);
  });
});
