// @fleet/cli: the daemon form of the Autoscaler (`fleet run <config>`), usable as a library too.
export {
  type FleetConfig,
  METRIC_TYPES,
  POLICY_TYPES,
  PROVIDER_TYPES,
  parseConfig,
  type ResolvedConfig,
  type TypedSpec,
} from './config-schema.js';
export { envKeyOf, fromEnv } from './env.js';
export { type ConfigSource, loadConfig } from './load-config.js';
export { jsonLogger, type LogLevel } from './logger.js';
export { buildMetric, buildPolicy, buildProvider } from './registry.js';
export { type Daemon, runDaemon } from './run.js';
