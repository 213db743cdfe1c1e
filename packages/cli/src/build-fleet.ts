import {
  Autoscaler,
  type AutoscalerOptions,
  fleetError,
  type Logger,
  type MetricSource,
  type Policy,
  type PromClient,
  prometheusCollector,
  type RequestHandler,
  type ScalingProvider,
  statusHandler,
} from '@fleet/core';
import { type ConfigProblem, configError, withoutPrefix } from './config-problems.js';
import type { DraftConfig, ResolvedConfig } from './config-schema.js';
import { baseDirOf, type ConfigSource } from './load-config.js';
import type { BuildOptions } from './parts/common.js';
import { prepareMetric } from './parts/metric.js';
import { buildPolicy } from './parts/policy.js';
import { prepareProvider } from './parts/provider.js';

/** A Prometheus registry: what the scrape endpoint serves. */
export interface MetricsRegistry {
  metrics(): Promise<string>;
  contentType: string;
}

/** Everything a configuration describes, built and checked; nothing started. */
export interface Fleet {
  autoscaler: Autoscaler;
  policy: Policy;
  provider: ScalingProvider;
  metrics: Array<MetricSource & { close?(): unknown }>;
  /** The status and trigger routes, when the configuration has `status`. */
  statusHandler?: RequestHandler;
  /** The registry the Prometheus collector writes to, when the configuration has `prometheus`. */
  prometheusRegistry?: MetricsRegistry;
  /** Releases what the parts hold (the provider, the sources, the collector's listeners). Safe to call twice. */
  close(): Promise<void>;
}

// Stand-ins for a part that could not be built, so the parts that depend on it (the Autoscaler's options, the
// status endpoint's) are still checked and every independent problem is reported at once. Never run.
const standIn = {
  policy: { name: 'stand-in', keys: [], propose: ({ current }: { current: number }) => ({ desired: current, reason: '' }) } as Policy,
  metric: { name: 'stand-in', read: async () => ({}) } as MetricSource,
  provider: { name: 'stand-in', status: async () => ({ target: 0, ready: 0 }), scaleTo: async () => {} } as ScalingProvider,
};

type PromModule = PromClient & { Registry: new () => MetricsRegistry };

async function promClient(): Promise<PromModule> {
  try {
    return (await import('prom-client')) as unknown as PromModule;
  } catch (error) {
    throw fleetError('cli', 'not-supported', 'needs prom-client: npm i prom-client', error);
  }
}

/**
 * Builds every part of a checked configuration (policy, metric sources, provider, the Autoscaler, the status
 * handler, the Prometheus collector) and starts none of them: no process, connection, timer or server. `fleet
 * check` builds this and closes it; `fleet run` builds this and starts it, so both accept the same configurations.
 * Relative paths resolve against the config file's folder. Throws a FleetError `invalid-options` naming every part
 * that is wrong (one line each), after closing the parts that were built.
 */
export function buildFleet(config: ResolvedConfig, source: ConfigSource, options: FleetBuildOptions = {}): Promise<Fleet> {
  return assembleFleet(config, source, [], options);
}

/** Options of {@link buildFleet}; with `checkOnly` (`fleet check`) the fleet is closed as it is built and cannot start. */
export interface FleetBuildOptions extends Pick<BuildOptions, 'checkOnly'> {
  /** Where the Autoscaler logs. @default silentLogger */
  logger?: Logger;
}

/** The order problems are listed in: the configuration's own keys come first, then the parts in this order. */
const PART_ORDER = ['policy', 'metrics', 'provider', undefined, 'status', 'prometheus'];
const rank = (p: ConfigProblem) => PART_ORDER.indexOf(p.path?.[0] as string | undefined);

/** {@link buildFleet} on a configuration that may have failed keys already: their problems come first in the error. */
export async function assembleFleet(
  draft: DraftConfig,
  source: ConfigSource,
  earlier: ConfigProblem[],
  { logger, checkOnly = false }: FleetBuildOptions = {},
): Promise<Fleet> {
  const problems: ConfigProblem[] = [];
  for (const key of ['policy', 'metrics', 'provider'] as const)
    if (draft[key] === undefined && !earlier.some((p) => p.path?.[0] === key)) problems.push({ path: [key], message: 'required' });
  const record = (path: ConfigProblem['path'], error: unknown): undefined => {
    problems.push({ path, message: withoutPrefix(error), cause: error });
    return undefined;
  };
  // A part that fails is recorded and left out. `attempt` stays synchronous: the parts are made in one turn (below).
  const attempt = <T>(path: ConfigProblem['path'], build: () => T): T | undefined => {
    try {
      return build();
    } catch (error) {
      return record(path, error);
    }
  };
  const settle = <T>(path: ConfigProblem['path'], build: () => Promise<T>): Promise<T | undefined> =>
    Promise.resolve()
      .then(build)
      .catch((error: unknown) => record(path, error));
  const {
    policy: policySpec,
    provider: providerSpec,
    metrics: metricSpecs,
    status,
    prometheus,
    logLevel: _l,
    shutdownTimeoutMs: _s,
    ...own
  } = draft;
  const parts = { baseDir: baseDirOf(source), checkOnly };

  // First what may await: loading packages, checking types and paths.
  const metricMakers = await Promise.all((metricSpecs ?? []).map((spec, i) => settle(['metrics', i], () => prepareMetric(spec, parts))));
  const makeProvider = providerSpec && (await settle(['provider'], () => prepareProvider(providerSpec, parts)));
  const client = prometheus && (await settle(['prometheus'], promClient));

  // Then every part is made in this one turn, and closed in it if any fails: a provider may start its first workers
  // on the next microtask, and a configuration that fails must not start them.
  const policy = policySpec && attempt(['policy'], () => buildPolicy(policySpec));
  const metrics = metricMakers.map((make, i) => make && attempt(['metrics', i], make));
  const provider = makeProvider && attempt(['provider'], makeProvider);
  const built = metrics.filter((m) => m !== undefined);
  const autoscaler = attempt(undefined, () => {
    try {
      return new Autoscaler({
        ...(own as Partial<AutoscalerOptions>),
        policy: policy ?? standIn.policy,
        metrics: metrics.length > 0 ? metrics.map((m) => m ?? standIn.metric) : standIn.metric,
        provider: provider ?? standIn.provider,
        max: own.max as number,
        ...(logger ? { logger } : {}),
      });
    } catch (error) {
      // The Autoscaler's options are the top level of the configuration: its paths are the config's keys.
      throw fleetError('cli', 'invalid-options', withoutPrefix(error).replace(/^invalid Autoscaler options: /, ''), error);
    }
  });
  const scaler = () =>
    autoscaler ?? new Autoscaler({ policy: standIn.policy, metrics: standIn.metric, provider: standIn.provider, max: 1 });
  const handler = status && attempt(['status'], () => statusHandler(scaler(), withoutListen(status)));
  // A registry of its own: building twice in one process (tests, a library user) registers no metric twice.
  const registry = client ? new client.Registry() : undefined;
  const detach = client && autoscaler ? prometheusCollector(autoscaler, { client, registry }) : undefined;

  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      detach?.();
      await Promise.all([provider?.close?.(), ...built.map((m) => m.close?.())]);
    })());
  if (earlier.length > 0 || problems.length > 0 || !autoscaler || !policy || !provider) {
    await close();
    throw configError(source, [...earlier, ...problems.sort((a, b) => rank(a) - rank(b))]);
  }
  return {
    autoscaler,
    policy,
    provider,
    metrics: built,
    ...(handler ? { statusHandler: handler } : {}),
    ...(registry ? { prometheusRegistry: registry } : {}),
    close,
  };
}

/** `statusHandler`'s options: the `status` entry without where to listen. */
const withoutListen = ({ port: _p, host: _h, ...handlerOptions }: NonNullable<DraftConfig['status']>) => handlerOptions;
