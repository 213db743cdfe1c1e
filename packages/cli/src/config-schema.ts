import type { AutoscalerOptions, StatusHandlerOptions } from '@fleet/core';
import { z } from 'zod';
import type { LogLevel } from './logger.js';

/** The policy types a config may name. */
export const POLICY_TYPES = ['ceilTarget', 'utilization', 'thresholds', 'targetTracking', 'queueLatency', 'combine', 'schedule'] as const;
/** The provider types a config may name. */
export const PROVIDER_TYPES = ['memory', 'process', 'thread', 'pm2', 'docker', 'k8s'] as const;
/** The metric source types a config may name. */
export const METRIC_TYPES = ['httpJson', 'process', 'fixed', 'postgresQueue', 'sql', 'doQueue'] as const;

/** Autoscaler options a config cannot hold: objects with methods, built by the daemon itself. */
type BuiltByTheDaemon = 'metrics' | 'provider' | 'policy' | 'clock' | 'leader' | 'logger';

/**
 * The Autoscaler's own keys at the top level of a config. Their values are checked by the Autoscaler alone (the
 * same check a program's `new Autoscaler()` gets); listed here only so that an unknown key can be told from them.
 * A `Record` of every key: an option core adds fails the type check here until it is listed, so the CLI cannot lag.
 */
const AUTOSCALER_KEY_SET = {
  name: true,
  min: true,
  max: true,
  intervalMs: true,
  metricTimeoutMs: true,
  providerTimeoutMs: true,
  metricMaxAgeMs: true,
  signedMetrics: true,
  activation: true,
  stabilization: true,
  cooldown: true,
  rateLimit: true,
  onMetricError: true,
  dryRun: true,
  retry: true,
} satisfies Record<Exclude<keyof AutoscalerOptions, BuiltByTheDaemon>, true>;
/** The Autoscaler options a config (or `fleet simulate --policy`) may set. */
export const AUTOSCALER_KEYS: readonly string[] = Object.keys(AUTOSCALER_KEY_SET);

/** `statusHandler`'s keys inside `status`, checked by `statusHandler` itself; the CLI adds `port` and `host`. */
const STATUS_HANDLER_KEYS = Object.keys({ token: true, protectStatus: true, basePath: true } satisfies Record<
  keyof StatusHandlerOptions,
  true
>);

const checkedElsewhere = (keys: readonly string[]) => Object.fromEntries(keys.map((k) => [k, z.unknown().optional()]));
const port = z.number().int().min(0).max(65_535);

/** A `{ type, ...options }` entry: the options go to the factory of that type, which checks them. */
const typed = (types: readonly string[]) => z.looseObject({ type: z.string({ error: `expected a type, one of ${types.join(', ')}` }) });

/** The keys the CLI reads itself, each with its own schema so that one bad key does not hide the others. */
const CLI_FIELDS = {
  policy: typed(POLICY_TYPES),
  provider: typed(PROVIDER_TYPES),
  metrics: z.array(typed(METRIC_TYPES)).min(1, 'expected at least one metric source'),
  /** The status and trigger endpoints. */
  status: z.strictObject({ port, host: z.string().min(1).default('127.0.0.1'), ...checkedElsewhere(STATUS_HANDLER_KEYS) }).optional(),
  /** A Prometheus scrape endpoint (needs prom-client installed). */
  prometheus: z
    .strictObject({ port, host: z.string().min(1).default('127.0.0.1'), path: z.string().startsWith('/').default('/metrics') })
    .optional(),
  logLevel: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
  shutdownTimeoutMs: z.number().int().positive().default(30_000),
} as const;

/** The keys each object of a config may hold, by its dotted path, for "did you mean" suggestions. */
export const KNOWN_KEYS: Readonly<Record<string, readonly string[]>> = {
  '': [...Object.keys(CLI_FIELDS), ...AUTOSCALER_KEYS],
  status: ['port', 'host', ...STATUS_HANDLER_KEYS],
  prometheus: ['port', 'host', 'path'],
};

/** The whole config at once: every problem is listed, with its path. */
const configSchema = z.strictObject({ ...CLI_FIELDS, ...checkedElsewhere(AUTOSCALER_KEYS) });

/** A validated configuration as far as it is valid: the keys that failed are left out. */
export type DraftConfig = Partial<ResolvedConfig>;

/**
 * Checks the keys the CLI reads itself (the types of `policy`, `provider` and `metrics`, `status`, `prometheus`,
 * `logLevel`, `shutdownTimeoutMs`) and that no key is unknown. Everything else is checked where it is used: the
 * Autoscaler's keys by the Autoscaler, each `{ type, ...options }` by its factory. Returns every issue, and the keys
 * that passed (with their defaults), so the parts they describe can still be checked.
 */
export function parseConfig(raw: unknown): { draft: DraftConfig; issues: z.core.$ZodIssue[] } {
  const result = configSchema.safeParse(raw);
  if (result.success) return { draft: result.data as DraftConfig, issues: [] };
  const record = typeof raw === 'object' && raw !== null && !Array.isArray(raw) ? (raw as Record<string, unknown>) : {};
  const failed = new Set(result.error.issues.map((issue) => issue.path[0]));
  const draft: Record<string, unknown> = {};
  for (const key of AUTOSCALER_KEYS) if (key in record) draft[key] = record[key];
  for (const [key, schema] of Object.entries(CLI_FIELDS)) {
    if (failed.has(key)) continue;
    const field = (schema as z.ZodType).safeParse(record[key]);
    if (field.success && field.data !== undefined) draft[key] = field.data;
  }
  return { draft: draft as DraftConfig, issues: result.error.issues };
}

/** A `{ type, ...options }` entry: the options go to the factory of that type. */
export type TypedSpec = { type: string } & Record<string, unknown>;

/** A daemon configuration as written in a file or the environment. */
export interface FleetConfig extends Omit<AutoscalerOptions, BuiltByTheDaemon> {
  /** `{ type: 'ceilTarget', ...options }`; `combine` takes `policies: [...]`, `schedule` takes `policy` and `windows`. */
  policy: TypedSpec;
  /** `{ type: 'pm2', ...options }` */
  provider: TypedSpec;
  /** `[{ type: 'postgresQueue', ...options }]` */
  metrics: TypedSpec[];
  /** The status and trigger endpoints: `statusHandler`'s options, and where to listen. */
  status?: StatusHandlerOptions & { port: number; host?: string };
  /** A Prometheus scrape endpoint (needs prom-client installed). */
  prometheus?: { port: number; host?: string; path?: string };
  /** Log level of the JSON lines on stdout. @default 'info' */
  logLevel?: LogLevel;
  /** How long a shutdown may take before the process exits anyway. @default 30_000 */
  shutdownTimeoutMs?: number;
}

/** A daemon configuration whose own keys are checked, defaults filled in. */
export interface ResolvedConfig extends Omit<FleetConfig, 'status' | 'prometheus' | 'logLevel' | 'shutdownTimeoutMs'> {
  status?: StatusHandlerOptions & { port: number; host: string };
  prometheus?: { port: number; host: string; path: string };
  logLevel: LogLevel;
  shutdownTimeoutMs: number;
}
