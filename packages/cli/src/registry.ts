import * as core from '@fleet/core';
import { fleetError, type MetricSource, type Policy, type ScalingProvider } from '@fleet/core';

import type { TypedSpec } from './config-schema.js';

/** Loads an optional package, saying how to install it when it is missing. */
async function load(pkg: string, what: string): Promise<Record<string, unknown>> {
  try {
    return (await import(pkg)) as Record<string, unknown>;
  } catch (error) {
    if ((error as { code?: string }).code === 'ERR_MODULE_NOT_FOUND' && String((error as Error).message).includes(pkg)) {
      throw fleetError('cli', 'not-supported', `${what} needs ${pkg}: npm i ${pkg}`, error);
    }
    throw error;
  }
}

function call<T>(module: Record<string, unknown>, name: string, ...args: unknown[]): T {
  const factory = module[name];
  if (typeof factory !== 'function') throw fleetError('cli', 'not-supported', `${name} is not exported by this version`);
  return factory(...args) as T;
}

const without = ({ type: _, ...rest }: TypedSpec) => rest;

/** Builds a policy from `{ type, ...options }`; `combine` and `schedule` nest other policies. */
export function buildPolicy(spec: TypedSpec): Policy {
  const o = without(spec);
  switch (spec.type) {
    case 'combine': {
      const { policies = [], ...rest } = o as { policies?: TypedSpec[] };
      return core.combine(rest, ...policies.map(buildPolicy));
    }
    case 'schedule': {
      const { policy, windows } = o as { policy: TypedSpec; windows: core.ScheduleWindow[] };
      return core.schedule(buildPolicy(policy), windows);
    }
    default:
      return call<Policy>(core as unknown as Record<string, unknown>, String(spec.type), o);
  }
}

const PROVIDERS: Record<string, [pkg: string, factory: string]> = {
  memory: ['@fleet/core/testing', 'memoryProvider'],
  process: ['@fleet/provider-local', 'processProvider'],
  thread: ['@fleet/provider-local', 'threadProvider'],
  pm2: ['@fleet/provider-pm2', 'pm2Provider'],
  docker: ['@fleet/provider-docker', 'dockerProvider'],
  k8s: ['@fleet/provider-k8s', 'k8sProvider'],
};

/** Builds a provider from `{ type, ...options }`, loading its package. */
export async function buildProvider(spec: TypedSpec): Promise<ScalingProvider> {
  const [pkg, factory] = PROVIDERS[String(spec.type)] as [string, string];
  return call<ScalingProvider>(await load(pkg, `provider type '${spec.type}'`), factory, without(spec));
}

/** Builds a metric source from `{ type, ...options }`; queue types become their queue's `metricSource()`. */
export async function buildMetric(spec: TypedSpec): Promise<MetricSource & { close?(): unknown }> {
  const o = without(spec);
  switch (spec.type) {
    case 'httpJson':
      return core.httpJsonMetric(o as unknown as core.HttpJsonMetricOptions);
    case 'process':
      return core.processMetrics(o);
    case 'fixed':
      return call<MetricSource>(
        await load('@fleet/core/testing', 'metric type fixed'),
        'fixedMetric',
        (o as { values?: unknown }).values ?? {},
      );
    case 'sql':
      return call<MetricSource>(await load('@fleet/queue-postgres', "metric type 'sql'"), 'sqlMetric', o);
    case 'postgresQueue':
    case 'doQueue': {
      const [pkg, factory] = spec.type === 'postgresQueue' ? ['@fleet/queue-postgres', 'postgresQueue'] : ['@fleet/queue-do', 'doQueue'];
      const queue = call<core.ClaimQueue>(await load(pkg, `metric type '${spec.type}'`), factory, o);
      return Object.assign(queue.metricSource(), { close: () => queue.close() });
    }
    default:
      throw fleetError('cli', 'invalid-options', `unknown metric type '${spec.type}'`);
  }
}
