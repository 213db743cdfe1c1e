// @fleet/cli: the daemon form of the Autoscaler (`fleet run <config>`), usable as a library too.
export { buildFleet, type Fleet, type FleetBuildOptions, type MetricsRegistry } from './build-fleet.js';
export { type ConfigError, type ConfigProblem, isConfigError } from './config-problems.js';
export {
  type DraftConfig,
  type FleetConfig,
  METRIC_TYPES,
  POLICY_TYPES,
  PROVIDER_TYPES,
  parseConfig,
  type ResolvedConfig,
  type TypedSpec,
} from './config-schema.js';
export { envKeyOf, fromEnv } from './env.js';
export { CONFIG_EXTENSIONS, type ConfigSource, loadConfig } from './load-config.js';
export { jsonLogger, type LogLevel } from './logger.js';
export type { BuildOptions } from './parts/common.js';
export { buildMetric, type ClosableSource } from './parts/metric.js';
export { buildPolicy } from './parts/policy.js';
export { buildProvider } from './parts/provider.js';
export { type Daemon, runDaemon, startDaemon } from './run.js';
