import type { MetricSource } from '@fleet/core';
import * as core from '@fleet/core';
import { METRIC_TYPES, type TypedSpec } from '../config-schema.js';
import { type BuildOptions, bad, call, load, type Maker, maker, typeOf, unknownKeys, without } from './common.js';

type MetricType = (typeof METRIC_TYPES)[number];
/** A metric source, with what it holds to release. */
export type ClosableSource = MetricSource & { close?(): unknown };

/** The `fixed` source's own options: the CLI calls `fixedMetric(values, name)`, which checks nothing itself. */
function fixedArgs(o: Record<string, unknown>): [Record<string, number>, string?] {
  const problems = unknownKeys(o, ['values', 'name']);
  const values = o.values;
  const numbers = typeof values === 'object' && values !== null && !Array.isArray(values) ? Object.values(values) : undefined;
  if (!numbers?.every((v) => typeof v === 'number' && Number.isFinite(v))) problems.unshift('values: expected { key: number, … }');
  if (o.name !== undefined && (typeof o.name !== 'string' || o.name === '')) problems.push('name: expected a non-empty string');
  if (problems.length > 0) throw bad(problems.join('; '));
  return o.name === undefined ? [values as Record<string, number>] : [values as Record<string, number>, o.name as string];
}

/** The package a metric type comes from. */
function moduleOf(type: MetricType): Promise<Record<string, unknown>> | Record<string, unknown> {
  switch (type) {
    case 'fixed':
      return load('@fleet/core/testing', "metric type 'fixed'");
    case 'sql':
    case 'postgresQueue':
      return load('@fleet/queue-postgres', `metric type '${type}'`);
    case 'doQueue':
      return load('@fleet/queue-do', "metric type 'doQueue'");
    default:
      return core as unknown as Record<string, unknown>;
  }
}

function make(type: MetricType, o: Record<string, unknown>, module: Record<string, unknown>): ClosableSource {
  switch (type) {
    case 'httpJson':
      return core.httpJsonMetric(o as unknown as core.HttpJsonMetricOptions);
    case 'process':
      return core.processMetrics(o);
    case 'fixed':
      return call<MetricSource>(module, 'fixedMetric', ...fixedArgs(o));
    case 'sql':
      return call<MetricSource>(module, 'sqlMetric', o);
    case 'postgresQueue':
    case 'doQueue': {
      const queue = call<core.ClaimQueue>(module, type, o);
      return Object.assign(queue.metricSource(), { close: () => queue.close() });
    }
  }
}

/** Checks a metric source's type and loads its package; the maker returned calls the factory. */
export async function prepareMetric(spec: TypedSpec, options: BuildOptions = {}): Promise<Maker<ClosableSource>> {
  const type = typeOf(spec, 'metric', METRIC_TYPES);
  const module = await moduleOf(type);
  return maker(() => make(type, without(spec), module), options);
}

/** Builds a metric source from `{ type, ...options }`; queue types become their queue's `metricSource()`. */
export async function buildMetric(spec: TypedSpec, options: BuildOptions = {}): Promise<ClosableSource> {
  return (await prepareMetric(spec, options))();
}
