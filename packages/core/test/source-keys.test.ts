// A policy that reads a key no source gives (a typo) is named, at construction when the sources declare their keys,
// and once, on the first tick that misses it, when they do not.
import { describe, expect, it } from 'vitest';
import {
  Autoscaler,
  type AutoscalerOptions,
  ceilTarget,
  httpJsonMetric,
  type MetricSource,
  processMetrics,
  QUEUE_STAT_KEYS,
  rateOf,
} from '../src/index.js';
import { FakeClock, fixedMetric, memoryProvider, memoryQueue } from '../src/testing/index.js';

const policy = (metric: string) => ceilTarget({ metric, perWorker: 5, scaleUpAbove: 8, scaleDownBelow: 2 });

/** A source that declares nothing and gives what `reading()` returns. */
function undeclared(reading: () => Record<string, number>): MetricSource {
  return { name: 'custom', read: async () => reading() };
}

function scalerWith(options: Partial<AutoscalerOptions>) {
  const clock = new FakeClock();
  const scaler = new Autoscaler({
    clock,
    metrics: fixedMetric({ pending: 1 }),
    provider: memoryProvider({ clock, initial: 2 }),
    policy: policy('pending'),
    max: 10,
    ...options,
  });
  const errors: string[] = [];
  scaler.on('error', (e) => errors.push(e.error.message));
  return { scaler, errors };
}

describe('when every source declares its keys', () => {
  it('a policy key none of them gives is refused at construction, with the closest key and what each gives', () => {
    const queue = memoryQueue({ name: 'jobs' });
    expect(() => scalerWith({ metrics: [queue.metricSource(), fixedMetric({ cpu: 1 }, 'cpu')], policy: policy('raedy') })).toThrow(
      "[fleet] [core] invalid Autoscaler options: policy: metric `raedy` is provided by no source (did you mean `ready`?); 'memoryQueue(jobs)' provides " +
        QUEUE_STAT_KEYS.map((k) => `\`${k}\``).join(', ') +
        "; 'cpu' provides `cpu`",
    );
  });

  it('an activation metric none of them gives is refused too', () => {
    expect(() => scalerWith({ min: 0, activation: { metric: 'pendng' } })).toThrow(
      "invalid Autoscaler options: activation.metric: metric `pendng` is provided by no source (did you mean `pending`?); 'fixed' provides `pending`",
    );
  });

  it('a source whose keys are not a list of strings is refused', () => {
    const broken = { name: 'broken', keys: 'pending', read: async () => ({}) } as unknown as MetricSource;
    expect(() => scalerWith({ metrics: broken })).toThrow(
      /metrics: expected a MetricSource: \{ name, read\(signal\), keys\?: string\[\] \}/,
    );
  });

  it('a declared key that a source stops giving is reported on every tick', async () => {
    const keys = ['pending'];
    let reading: Record<string, number> = { pending: 1 };
    const { scaler, errors } = scalerWith({ metrics: { name: 'declared', keys, read: async () => reading } });
    reading = {};
    for (let i = 0; i < 3; i++) expect(await scaler.evaluate()).toMatchObject({ code: 'metric-outage' });
    expect(errors).toEqual(Array(3).fill("[fleet] [core] no source gave metric 'pending' (sources: 'declared')"));
  });
});

describe('when some source does not declare its keys', () => {
  it('is built, and the first tick that misses the key reports it once as provided by no source', async () => {
    const { scaler, errors } = scalerWith({
      metrics: [fixedMetric({ ready: 3 }), undeclared(() => ({ pending: 16 }))],
      policy: policy('pendnig'),
    });
    for (let i = 0; i < 3; i++) expect(await scaler.evaluate()).toMatchObject({ action: 'hold', code: 'metric-outage' });
    expect(errors).toEqual([
      "[fleet] [core] metric 'pendnig' is provided by no source (did you mean 'pending'?): the sources gave 'ready', 'pending'; ticks hold until a source gives it (reported once)",
    ]);
  });

  it('a key seen once and then dropped is reported on every tick, as a failure', async () => {
    let reading: Record<string, number> = { pending: 1 };
    const { scaler, errors } = scalerWith({ metrics: undeclared(() => reading) });
    await scaler.evaluate();
    reading = {};
    await scaler.evaluate();
    await scaler.evaluate();
    expect(errors).toEqual(Array(2).fill("[fleet] [core] no source gave metric 'pending' (sources: 'custom')"));
  });

  it('nothing is reported while a source fails: it may be the one that has the key', async () => {
    const failing: MetricSource = {
      name: 'down',
      read: async () => {
        throw new Error('down');
      },
    };
    const { scaler, errors } = scalerWith({ metrics: [undeclared(() => ({})), failing] });
    await scaler.evaluate();
    expect(errors).toEqual([expect.stringContaining("metric source 'down' failed: down")]);
  });
});

describe('the built-in sources declare their keys', () => {
  it.each([
    ['memoryQueue', memoryQueue().metricSource(), [...QUEUE_STAT_KEYS]],
    ['memoryQueue with a prefix', memoryQueue().metricSource({ prefix: 'mail_' }), QUEUE_STAT_KEYS.map((k) => `mail_${k}`)],
    ['httpJsonMetric', httpJsonMetric({ url: 'http://127.0.0.1:1/', path: { pending: 'a.b', cold: 'c' } }), ['pending', 'cold']],
    ['httpJsonMetric with one path', httpJsonMetric({ url: 'http://127.0.0.1:1/', path: 'stats.pending' }), ['pending']],
    [
      'rateOf a declared source',
      rateOf(fixedMetric({ enqueuedTotal: 1 }), { counter: 'enqueuedTotal', as: 'rate' }),
      ['enqueuedTotal', 'rate'],
    ],
    [
      'rateOf an undeclared source',
      rateOf(
        undeclared(() => ({})),
        { counter: 'enqueuedTotal', as: 'rate' },
      ),
      undefined,
    ],
  ])('%s', (_, source, keys) => {
    expect(source.keys).toEqual(keys);
  });

  it('processMetrics', () => {
    const source = processMetrics({ prefix: 'gw_' });
    expect(source.keys).toEqual(['gw_cpuPercent', 'gw_eventLoopDelayMs', 'gw_rssMb', 'gw_heapUsedMb']);
    source.close();
  });

  it('fixedMetric, following set()', () => {
    const source = fixedMetric({ pending: 1 });
    source.set({ cold: 2 });
    expect(source.keys).toEqual(['pending', 'cold']);
  });

  it('every key a memoryQueue source declares is in its reading', async () => {
    const source = memoryQueue().metricSource();
    const reading = await source.read(new AbortController().signal);
    expect(Object.keys(reading).sort()).toEqual([...(source.keys ?? [])].sort());
  });
});
