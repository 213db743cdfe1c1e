import * as core from '@fleet/core';
import { fleetError, type MetricSource, type Policy, type ScalingProvider } from '@fleet/core';
import { didYouMean } from './closest.js';
import { type PathField, resolvePaths } from './config-paths.js';
import { withoutPrefix } from './config-problems.js';
import { METRIC_TYPES, POLICY_TYPES, PROVIDER_TYPES, type TypedSpec } from './config-schema.js';

// Every part of a configuration is built here, by `fleet check` and `fleet run` alike: the factories check their own
// options, so what check accepts is what run accepts. A factory must start nothing when it is called (no process,
// no connection, no timer that outlives close()); the daemon starts the fleet later, through the Autoscaler.

/** How to build a part. */
export interface BuildOptions {
  /** Where relative paths in the options lead: the config file's folder. @default process.cwd() */
  baseDir?: string;
  /**
   * Build only to check the options: the part is closed in the same turn it is made, before anything it would
   * start in the background (a process provider's first workers, a sampling timer) begins. @default false
   */
  checkOnly?: boolean;
}

/** The part, already closing: its `close()` then returns that same promise. */
function closedAtOnce<T extends { close?(): unknown }>(part: T): T {
  const closing = Promise.resolve(part.close?.());
  return Object.assign(part, { close: () => closing });
}

const bad = (message: string, cause?: unknown) => fleetError('cli', 'invalid-options', message, cause);

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

/** The spec's type, checked against the known ones, with a suggestion for a typo. */
function typeOf<T extends string>(spec: TypedSpec, kind: string, types: readonly T[]): T {
  const type = spec.type;
  if (typeof type === 'string' && (types as readonly string[]).includes(type)) return type as T;
  const hint = typeof type === 'string' ? didYouMean(type, types) : '';
  throw bad(`type: unknown ${kind} type ${JSON.stringify(type)}${hint}: expected one of ${types.join(', ')}`);
}

/** Problems with keys a factory never sees (those the CLI takes apart itself), with a suggestion for a typo. */
function unknownKeys(options: Record<string, unknown>, known: readonly string[]): string[] {
  return Object.keys(options)
    .filter((key) => !known.includes(key))
    .map((key) => `unknown key \`${key}\`${didYouMean(key, known)}`);
}

const without = ({ type: _, ...rest }: TypedSpec) => rest;

/** Resolves the path options; a path that names nothing stops the part here, before its factory runs. */
function withPaths(spec: TypedSpec, fields: readonly PathField[], options: BuildOptions): Record<string, unknown> {
  const { options: resolved, missing } = resolvePaths(without(spec), fields, options.baseDir ?? process.cwd());
  if (missing.length > 0) throw bad(missing.map((m) => `${m.key}: ${m.message}`).join('; '));
  return resolved;
}

/**
 * Builds a policy from `{ type, ...options }`; `combine` (`policies: [...]`) and `schedule` (`policy`, `windows`)
 * nest other policies. A FleetError `invalid-options` names every nested policy that is wrong.
 */
export function buildPolicy(spec: TypedSpec): Policy {
  const type = typeOf(spec, 'policy', POLICY_TYPES);
  const o = without(spec);
  switch (type) {
    case 'combine': {
      const { policies = [], ...rest } = o as { policies?: unknown };
      if (!Array.isArray(policies)) throw bad('policies: expected a list of policies [{ type, ... }]');
      const built = policies.map((p, i) => nested(p, `policies.${i}`));
      const failed = built.filter((b) => typeof b === 'string');
      if (failed.length > 0) throw bad(failed.join('; '));
      return core.combine(rest, ...(built as Policy[]));
    }
    case 'schedule': {
      const problems = unknownKeys(o, ['policy', 'windows']);
      const inner = nested(o.policy, 'policy');
      if (typeof inner === 'string') problems.unshift(inner);
      if (problems.length > 0) throw bad(problems.join('; '));
      return core.schedule(inner as Policy, o.windows as core.ScheduleWindow[]);
    }
    default:
      return call<Policy>(core as unknown as Record<string, unknown>, type, o);
  }
}

/** A nested policy, or the line that says why it cannot be built. */
function nested(spec: unknown, key: string): Policy | string {
  if (typeof spec !== 'object' || spec === null || Array.isArray(spec)) return `${key}: expected a policy { type, ... }`;
  try {
    return buildPolicy(spec as TypedSpec);
  } catch (error) {
    return `${key}: ${withoutPrefix(error)}`;
  }
}

type ProviderType = (typeof PROVIDER_TYPES)[number];
const script = (key: string): PathField[] => [{ key, kind: 'file' }];
const PROVIDERS: Record<ProviderType, { pkg: string; factory: string; paths: PathField[] }> = {
  memory: { pkg: '@fleet/core/testing', factory: 'memoryProvider', paths: [] },
  process: { pkg: '@fleet/provider-local', factory: 'processProvider', paths: [...script('script'), { key: 'cwd', kind: 'dir' }] },
  thread: { pkg: '@fleet/provider-local', factory: 'threadProvider', paths: script('file') },
  pm2: {
    pkg: '@fleet/provider-pm2',
    factory: 'pm2Provider',
    paths: [...script('script'), { key: 'cwd', kind: 'dir' }, { key: 'pm2Home', kind: 'path' }, { key: 'interpreter', kind: 'command' }],
  },
  docker: { pkg: '@fleet/provider-docker', factory: 'dockerProvider', paths: [{ key: 'docker.socketPath', kind: 'path' }] },
  k8s: {
    pkg: '@fleet/provider-k8s',
    factory: 'k8sProvider',
    paths: [
      { key: 'kubeconfig', kind: 'file', keywords: ['in-cluster'] },
      { key: 'kubeconfig.file', kind: 'file' },
    ],
  },
};

/** Builds a provider from `{ type, ...options }`, loading its package; relative paths resolve against `baseDir`. */
export async function buildProvider(spec: TypedSpec, options: BuildOptions = {}): Promise<ScalingProvider> {
  const entry = PROVIDERS[typeOf(spec, 'provider', PROVIDER_TYPES)];
  const resolved = withPaths(spec, entry.paths, options);
  const module = await load(entry.pkg, `provider type '${spec.type}'`);
  // No await between the factory and closedAtOnce: a provider may start its first workers on the next microtask.
  const provider = call<ScalingProvider & { close?(): Promise<void> }>(module, entry.factory, resolved);
  return options.checkOnly ? closedAtOnce(provider) : provider;
}

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

/** Builds a metric source from `{ type, ...options }`; queue types become their queue's `metricSource()`. */
export async function buildMetric(spec: TypedSpec, options: BuildOptions = {}): Promise<MetricSource & { close?(): unknown }> {
  const type = typeOf(spec, 'metric', METRIC_TYPES);
  const o = without(spec);
  const module = await metricModule(type);
  const source = metricOf(type, o, module);
  return options.checkOnly ? closedAtOnce(source) : source;
}

/** The package a metric type comes from, loaded before the source is made (so nothing awaits in between). */
function metricModule(type: (typeof METRIC_TYPES)[number]): Promise<Record<string, unknown>> | Record<string, unknown> {
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

function metricOf(
  type: (typeof METRIC_TYPES)[number],
  o: Record<string, unknown>,
  module: Record<string, unknown>,
): MetricSource & { close?(): unknown } {
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
