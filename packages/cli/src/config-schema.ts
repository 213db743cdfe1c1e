import type { AutoscalerOptions } from '@fleet/core';
import { z } from 'zod';
import type { LogLevel } from './logger.js';

/** A `{ type, ...options }` entry: the options go to the named factory, which validates them itself. */
const typed = <T extends string>(types: readonly [T, ...T[]]) =>
  z.looseObject({ type: z.enum(types, { error: `expected one of ${types.join(', ')}` }) });

/** The policy types a config may name. */
export const POLICY_TYPES = ['ceilTarget', 'utilization', 'thresholds', 'targetTracking', 'queueLatency', 'combine', 'schedule'] as const;
/** The provider types a config may name. */
export const PROVIDER_TYPES = ['memory', 'process', 'thread', 'pm2', 'docker', 'k8s'] as const;
/** The metric source types a config may name. */
export const METRIC_TYPES = ['httpJson', 'process', 'fixed', 'postgresQueue', 'sql', 'doQueue'] as const;

/** Validates a raw configuration. The Autoscaler and each factory check their own options in full later. */
export function parseConfig(raw: unknown): { success: true; data: ResolvedConfig } | { success: false; error: z.ZodError } {
  const result = configSchema.safeParse(raw);
  // Deeper shapes (rate limits, policy options) are checked by the Autoscaler and the factories, naming the key.
  return result.success ? { success: true, data: result.data as unknown as ResolvedConfig } : { success: false, error: result.error };
}

const ms = z.number().int().min(0);

/** The daemon's configuration: the Autoscaler's numbers, plus the policy, provider and metrics by type. */
const configSchema = z.strictObject({
  name: z.string().min(1).optional(),
  policy: typed(POLICY_TYPES),
  provider: typed(PROVIDER_TYPES),
  metrics: z.array(typed(METRIC_TYPES)).min(1, 'expected at least one metric source'),
  min: z.number().int().min(0).optional(),
  max: z.number().int().min(0),
  intervalMs: z.number().int().positive().optional(),
  metricTimeoutMs: z.number().int().positive().optional(),
  providerTimeoutMs: z.number().int().positive().optional(),
  metricMaxAgeMs: z.number().int().positive().optional(),
  activation: z.object({ metric: z.string(), above: z.number().optional() }).optional(),
  stabilization: z.strictObject({ up: ms.optional(), down: ms.optional() }).optional(),
  cooldown: z.strictObject({ up: ms.optional(), down: ms.optional() }).optional(),
  rateLimit: z.record(z.enum(['up', 'down']), z.unknown()).optional(),
  onMetricError: z.looseObject({ action: z.enum(['hold', 'fallback', 'fail-open']) }).optional(),
  dryRun: z.boolean().optional(),
  retry: z.strictObject({ baseMs: z.number().int().positive().optional(), maxMs: z.number().int().positive().optional() }).optional(),
  /** The status and trigger endpoints (S2). */
  status: z
    .strictObject({
      port: z.number().int().min(0).max(65_535),
      host: z.string().default('127.0.0.1'),
      token: z.string().optional(),
      protectStatus: z.boolean().optional(),
      basePath: z.string().optional(),
    })
    .optional(),
  /** A Prometheus scrape endpoint (needs prom-client installed). */
  prometheus: z
    .strictObject({
      port: z.number().int().min(0).max(65_535),
      host: z.string().default('127.0.0.1'),
      path: z.string().default('/metrics'),
    })
    .optional(),
  /** Log level of the JSON lines on stdout. */
  logLevel: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
  /** How long a shutdown may take before the process exits anyway. */
  shutdownTimeoutMs: z.number().int().positive().default(30_000),
});

/** A `{ type, ...options }` entry: the options go to the factory of that type. */
export type TypedSpec = { type: string } & Record<string, unknown>;

/** A daemon configuration as written in a file or the environment. */
export interface FleetConfig extends Omit<AutoscalerOptions, 'metrics' | 'provider' | 'policy' | 'clock' | 'leader' | 'logger'> {
  /** `{ type: 'ceilTarget', ...options }`; `combine` takes `policies: [...]`, `schedule` takes `policy` and `windows`. */
  policy: TypedSpec;
  /** `{ type: 'pm2', ...options }` */
  provider: TypedSpec;
  /** `[{ type: 'postgresQueue', ...options }]` */
  metrics: TypedSpec[];
  /** The status and trigger endpoints (S2). */
  status?: { port: number; host?: string; token?: string; protectStatus?: boolean; basePath?: string };
  /** A Prometheus scrape endpoint (needs prom-client installed). */
  prometheus?: { port: number; host?: string; path?: string };
  /** Log level of the JSON lines on stdout. @default 'info' */
  logLevel?: LogLevel;
  /** How long a shutdown may take before the process exits anyway. @default 30_000 */
  shutdownTimeoutMs?: number;
}

/** A validated daemon configuration, defaults filled in. */
export interface ResolvedConfig extends Omit<FleetConfig, 'status' | 'prometheus' | 'logLevel' | 'shutdownTimeoutMs'> {
  status?: { port: number; host: string; token?: string; protectStatus?: boolean; basePath?: string };
  prometheus?: { port: number; host: string; path: string };
  logLevel: LogLevel;
  shutdownTimeoutMs: number;
}
