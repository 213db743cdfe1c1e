// The public surface of @fleet/core.
export { Autoscaler, type AutoscalerEvents, type AutoscalerSnapshot, type ErrorPhase } from './autoscaler.js';
export { type Clock, sleep, systemClock, type TimerHandle } from './clock.js';
export { clearFailures, type DecideResult, decide, recordFailure, recordScale } from './decide.js';
export { actionOf, DECISION_CODES, type Decision, type DecisionAction, type DecisionCode } from './decision.js';
export { didYouMean, didYouMeanText, unknownKeyText } from './did-you-mean.js';
export { MAX_TIMER_MS, tooLongForTimer } from './duration.js';
export { errorText, toError } from './error-text.js';
export { describeValue, FleetError, type FleetErrorCode, fleetError, isFleetError, parseWith } from './errors.js';
export { type RequestHandler, type StatusHandlerOptions, statusHandler } from './http/status-handler.js';
export type { LeaderElector } from './leader.js';
export { consoleLogger, type LogFn, type Logger, silentLogger } from './logger.js';
export type { MetricReading, MetricSample, MetricSource } from './metric.js';
export { type HttpJsonMetricOptions, httpJsonMetric } from './metrics/http-json.js';
export { type ProcessMetricsOptions, processMetrics } from './metrics/process.js';
export {
  type MetricClass,
  type PromClient,
  type PrometheusCollectorOptions,
  type PromMetric,
  prometheusCollector,
} from './metrics/prometheus.js';
export { type RateOfOptions, rateOf } from './metrics/rate.js';
export { type MetricProblem, type MetricsRead, readMetrics } from './metrics/read.js';
export type { AutoscalerOptions, OnMetricError, RateLimit, RateLimitDirection, RateLimitOptions, ResolvedOptions } from './options.js';
export * from './policies/index.js';
export type { Policy, PolicyBounds, PolicyInput, Proposal } from './policy.js';
export type { FleetStatus, ProviderCapabilities, ScaleDirection, ScaleRequest, ScalingProvider } from './provider.js';
export {
  type ClaimedJob,
  type ClaimOptions,
  type ClaimQueue,
  type JobInput,
  type JobLease,
  QUEUE_STAT_KEYS,
  type QueueStats,
} from './queue.js';
export {
  jsonProblem,
  MAX_CLAIM,
  type ParsedJob,
  parseClaim,
  parseJobInputs,
  parseLease,
  parseMs,
  QUEUE_LIMITS,
} from './queue-input.js';
export { type RecommendedScalingOptions, recommendedScaling } from './recommended.js';
export { redactSecrets } from './redact.js';
export { scaleDownLimit, scaleUpLimit } from './rules/rate-limit.js';
export { stabilize, type Windows } from './rules/stabilize.js';
export {
  type DecideInput,
  initialState,
  type Modes,
  type Recommendation,
  type RuleConfig,
  type ScaleEvent,
  type ScalerState,
} from './rules/state.js';
export { murmur3, owns, type ShardMembership, shardOf } from './shard.js';
export { type Comparison, type ComparisonRow, compare, renderComparison, type SimulationTrace } from './simulator/compare.js';
export { type ChartOptions, type ChartPoint, chartSvg, renderSvg, renderTable, timelineTable } from './simulator/render.js';
export { type SimulatedScaling, s0Contenders, s0Trace } from './simulator/s0.js';
export { type ServiceTime, seededRandom } from './simulator/service-time.js';
export { type SimulateOptions, type SimulationResult, type SimulationSummary, simulate, type TimelinePoint } from './simulator/simulate.js';
export { type Arrival, burstArrivals, constantArrivals, csvArrivals, diurnalArrivals } from './simulator/traces.js';
export { withTimeout } from './timeout.js';
export type { WorkerErrorPhase, WorkerEvents, WorkerHandle } from './worker/events.js';
export type { JobContext, JobHandler, RunWorkerOptions } from './worker/options.js';
export { runWorker } from './worker/run-worker.js';
export type { StopReason } from './worker/signals.js';
export type { WorkerStats } from './worker/stats.js';
