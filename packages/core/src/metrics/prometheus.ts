import type { Autoscaler } from '../autoscaler.js';
import { fleetError } from '../errors.js';

/** The part of prom-client's metric classes the collector uses (so core needs no import of prom-client). */
export interface PromMetric {
  set?(labels: Record<string, string>, value: number): void;
  inc?(labels: Record<string, string>, value?: number): void;
  observe?(labels: Record<string, string>, value: number): void;
}
interface MetricConfig {
  name: string;
  help: string;
  labelNames: string[];
  registers: unknown[];
  buckets?: number[];
}
/** Any of prom-client's metric constructors; typed loosely so that its generic classes fit. */
export type MetricClass = new (...args: never[]) => PromMetric;
const make = (Metric: MetricClass, config: MetricConfig): PromMetric =>
  new (Metric as unknown as new (c: MetricConfig) => PromMetric)(config);

/** The prom-client module (`import * as client from 'prom-client'`), or anything with the same classes. */
export interface PromClient {
  Gauge: MetricClass;
  Counter: MetricClass;
  Histogram: MetricClass;
  register: unknown;
}

/** Options of {@link prometheusCollector}. */
export interface PrometheusCollectorOptions {
  /** The prom-client module: `import * as client from 'prom-client'`. */
  client: PromClient;
  /** Where to register the metrics. @default client.register */
  registry?: unknown;
  /** Prefix of every metric name. @default 'fleet_' */
  prefix?: string;
}

/**
 * Exports an Autoscaler's state to Prometheus through prom-client (an optional peer dependency you install and
 * pass in): `fleet_workers{state="current|desired|target"}`, `fleet_decisions_total{code,action}`,
 * `fleet_errors_total{phase}`, `fleet_scaled_total{direction}` and `fleet_tick_duration_seconds`, each labelled
 * with the Autoscaler's `name`. Returns a function that detaches the listeners.
 *
 * @example
 * import * as client from 'prom-client';
 * prometheusCollector(scaler, { client });
 * // serve await client.register.metrics() on /metrics
 */
export function prometheusCollector(scaler: Autoscaler, options: PrometheusCollectorOptions): () => void {
  const { client } = options;
  if (typeof client?.Gauge !== 'function' || typeof client.Counter !== 'function' || typeof client.Histogram !== 'function') {
    throw fleetError(
      'core',
      'invalid-options',
      "prometheusCollector: expected `client` to be the prom-client module (npm i prom-client; import * as client from 'prom-client')",
    );
  }
  const prefix = options.prefix ?? 'fleet_';
  const registers = [options.registry ?? client.register];
  const scalerName = scaler.options.name;
  const workers = make(client.Gauge, {
    name: `${prefix}workers`,
    help: 'Workers: current size, desired size, target after the last decision',
    labelNames: ['autoscaler', 'state'],
    registers,
  });
  const decisions = make(client.Counter, {
    name: `${prefix}decisions_total`,
    help: 'Decisions by the rule that bound them',
    labelNames: ['autoscaler', 'code', 'action'],
    registers,
  });
  const errors = make(client.Counter, {
    name: `${prefix}errors_total`,
    help: 'Metric, provider and leader errors',
    labelNames: ['autoscaler', 'phase'],
    registers,
  });
  const scaled = make(client.Counter, {
    name: `${prefix}scaled_total`,
    help: 'Scalings the provider carried out',
    labelNames: ['autoscaler', 'direction'],
    registers,
  });
  const ticks = make(client.Histogram, {
    name: `${prefix}tick_duration_seconds`,
    help: 'Duration of a tick: metric reads, decision and provider calls',
    labelNames: ['autoscaler'],
    buckets: [0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 30],
    registers,
  });
  const label = { autoscaler: scalerName };
  const onDecision = (d: Parameters<Parameters<typeof scaler.on<'decision'>>[1]>[0]) => {
    decisions.inc?.({ ...label, code: d.code, action: d.action });
    workers.set?.({ ...label, state: 'current' }, d.from);
    workers.set?.({ ...label, state: 'desired' }, d.desired);
    workers.set?.({ ...label, state: 'target' }, d.to);
  };
  const onError = (e: { phase: string }) => errors.inc?.({ ...label, phase: e.phase });
  const onScaled = (e: { from: number; to: number }) => scaled.inc?.({ ...label, direction: e.to > e.from ? 'up' : 'down' });
  const onTick = (e: { durationMs: number }) => ticks.observe?.(label, e.durationMs / 1000);
  scaler.on('decision', onDecision).on('error', onError).on('scaled', onScaled).on('tick', onTick);
  return () => {
    scaler.off('decision', onDecision).off('error', onError).off('scaled', onScaled).off('tick', onTick);
  };
}
