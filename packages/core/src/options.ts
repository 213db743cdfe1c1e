import { z } from 'zod';
import type { Clock } from './clock.js';
import { MAX_TIMER_MS, tooLongForTimer } from './duration.js';
import { parseWith } from './errors.js';
import type { LeaderElector } from './leader.js';
import type { Logger } from './logger.js';
import type { MetricSource } from './metric.js';
import type { Policy } from './policy.js';
import type { ScalingProvider } from './provider.js';

const ms = z.number().int().min(0);
const count = z.number().int().min(0);
/** A duration that ends in a timer: Node fires a longer one after 1 ms, so it is bounded. */
const timerMs = z.number().int().positive().max(MAX_TIMER_MS, tooLongForTimer);

const isSource = (s: unknown): s is MetricSource => {
  if (typeof s !== 'object' || s === null || typeof (s as MetricSource).read !== 'function') return false;
  const keys = (s as MetricSource).keys;
  return keys === undefined || (Array.isArray(keys) && keys.every((k) => typeof k === 'string'));
};

const source = z.custom<MetricSource>(isSource, 'expected a MetricSource: { name, read(signal), keys?: string[] }');
const provider = z.custom<ScalingProvider>(
  (p) =>
    typeof p === 'object' &&
    p !== null &&
    typeof (p as ScalingProvider).status === 'function' &&
    typeof (p as ScalingProvider).scaleTo === 'function',
  'expected a ScalingProvider: { name, status(signal), scaleTo(target, request) }',
);
const policy = z.custom<Policy>(
  (p) => typeof p === 'object' && p !== null && typeof (p as Policy).propose === 'function' && Array.isArray((p as Policy).keys),
  'expected a Policy: { name, keys, propose(input) }, e.g. ceilTarget({ ... })',
);

const rateLimitEntry = z.union(
  [
    z.strictObject({ workers: z.number().int().min(1), periodMs: z.number().int().positive() }),
    z.strictObject({ percent: z.number().finite().positive(), periodMs: z.number().int().positive() }),
  ],
  { error: 'expected { workers, periodMs } or { percent, periodMs }' },
);

const rateLimitDirection = z.strictObject({
  limits: z.array(rateLimitEntry).min(1, 'expected at least one limit'),
  /** `max`: the most permissive limit wins (HPA's default); `min`: the most restrictive; `disabled`: no scaling that way. */
  select: z.enum(['max', 'min', 'disabled']).default('max'),
});

const onMetricError = z.discriminatedUnion('action', [
  z.strictObject({ action: z.literal('hold') }),
  z.strictObject({ action: z.literal('fallback'), replicas: count, after: z.number().int().min(1).default(3) }),
  z.strictObject({ action: z.literal('fail-open'), after: z.number().int().min(1).default(1) }),
]);

/** The zod schema behind {@link AutoscalerOptions}. */
export const autoscalerSchema = z
  .strictObject({
    name: z.string().min(1).default('autoscaler'),
    metrics: z.union([source, z.array(source).min(1, 'expected at least one metric source')]),
    provider,
    policy,
    min: count.default(1),
    max: count,
    intervalMs: timerMs.default(10_000),
    metricTimeoutMs: timerMs.default(5_000),
    providerTimeoutMs: timerMs.default(60_000),
    metricMaxAgeMs: z.number().int().positive().optional(),
    signedMetrics: z.array(z.string().min(1)).default([]),
    activation: z.strictObject({ metric: z.string().min(1), above: z.number().finite().default(0) }).optional(),
    stabilization: z.strictObject({ up: ms.default(0), down: ms.default(0) }).default({ up: 0, down: 0 }),
    cooldown: z.strictObject({ up: ms.default(0), down: ms.default(60_000) }).default({ up: 0, down: 60_000 }),
    rateLimit: z.strictObject({ up: rateLimitDirection.optional(), down: rateLimitDirection.optional() }).default({}),
    onMetricError: onMetricError.default({ action: 'hold' }),
    dryRun: z.boolean().default(false),
    retry: z
      .strictObject({ baseMs: z.number().int().positive().default(1_000), maxMs: z.number().int().positive().default(60_000) })
      .default({ baseMs: 1_000, maxMs: 60_000 }),
    clock: z
      .custom<Clock>((c) => typeof c === 'object' && c !== null && typeof (c as Clock).now === 'function', 'expected a Clock')
      .optional(),
    leader: z.custom<LeaderElector>((l) => typeof (l as LeaderElector)?.campaign === 'function', 'expected a LeaderElector').optional(),
    logger: z.custom<Logger>((l) => typeof (l as Logger)?.info === 'function', 'expected a logger with info/warn/error').optional(),
  })
  .superRefine((o, ctx) => {
    if (o.min > o.max) ctx.addIssue({ code: 'custom', path: ['min'], message: `min (${o.min}) must not be above max (${o.max})` });
    if (o.activation && o.min !== 0) ctx.addIssue({ code: 'custom', path: ['activation'], message: 'activation needs min: 0' });
    const caps = o.provider.capabilities;
    if (o.min === 0 && caps && !caps.scaleToZero)
      ctx.addIssue({ code: 'custom', path: ['min'], message: `provider '${o.provider.name}' cannot scale to zero` });
    if (caps?.maxSize !== undefined && o.max > caps.maxSize)
      ctx.addIssue({
        code: 'custom',
        path: ['max'],
        message: `max (${o.max}) is above provider '${o.provider.name}' maxSize (${caps.maxSize})`,
      });
    if (o.onMetricError.action === 'fallback' && (o.onMetricError.replicas < o.min || o.onMetricError.replicas > o.max))
      ctx.addIssue({
        code: 'custom',
        path: ['onMetricError', 'replicas'],
        message: `fallback replicas must lie in [min, max] = [${o.min}, ${o.max}]`,
      });
    if (o.retry.baseMs > o.retry.maxMs)
      ctx.addIssue({ code: 'custom', path: ['retry', 'baseMs'], message: 'baseMs must not be above maxMs' });
  });

/** One rate limit: at most `workers` added (or removed), or `percent` of the size, per `periodMs`. */
export type RateLimit = { workers: number; periodMs: number } | { percent: number; periodMs: number };

/** Rate limits of one direction, as written. */
export interface RateLimitOptions {
  /** One or more limits; `select` picks between them. */
  limits: RateLimit[];
  /** `max`: the most permissive limit wins (HPA's default); `min`: the most restrictive; `disabled`: no scaling this way. @default 'max' */
  select?: 'max' | 'min' | 'disabled';
}

/** Rate limits of one direction, validated. */
export interface RateLimitDirection {
  limits: RateLimit[];
  select: 'max' | 'min' | 'disabled';
}

/**
 * What to do while a metric the policy needs is out: `hold` the current size (the default: never scale down on
 * missing data); `fallback` to `replicas` after `after` consecutive outages (default 3); `fail-open` to `max` after
 * `after` outages (default 1).
 */
export type OnMetricError =
  | { action: 'hold' }
  | { action: 'fallback'; replicas: number; after?: number }
  | { action: 'fail-open'; after?: number };

/** Options of the {@link Autoscaler}. Times are in milliseconds. */
export interface AutoscalerOptions {
  /** Shown in logs. @default 'autoscaler' */
  name?: string;
  /** Where the numbers come from; several sources are merged by key. */
  metrics: MetricSource | MetricSource[];
  /** The fleet. */
  provider: ScalingProvider;
  /** Turns readings into a desired size. */
  policy: Policy;
  /** The least size; 0 needs a provider that can scale to zero. @default 1 */
  min?: number;
  /** The largest size. */
  max: number;
  /** Time between ticks (fixed rate; an overrunning tick makes the next slots skip); at most 2^31 − 1. @default 10_000 */
  intervalMs?: number;
  /** Per metric source read; a read that overruns is an outage. At most 2^31 − 1. @default 5_000 */
  metricTimeoutMs?: number;
  /** Per provider `status` / `scaleTo` call and leader campaign. At most 2^31 − 1. @default 60_000 */
  providerTimeoutMs?: number;
  /** Samples older than this (by their `at`) are stale: an outage. A source's own `maxAgeMs` wins. */
  metricMaxAgeMs?: number;
  /**
   * Metric keys that may be negative (a difference, a temperature). Any other key that reads below zero is an
   * outage of that key, with an `error` event: a count or an age below zero means a broken source. @default []
   */
  signedMetrics?: string[];
  /** With `min: 0`: leave zero only when `metric` is above `above`; return to zero only after `cooldown.down` idle. */
  activation?: { metric: string; above?: number };
  /** HPA's stabilization windows. @default { up: 0, down: 0 } */
  stabilization?: { up?: number; down?: number };
  /** No scale-up within `up` of the last scale-up; no scale-down within `down` of the last scaling event. @default { up: 0, down: 60_000 } */
  cooldown?: { up?: number; down?: number };
  /** At most so many workers (or percent) per period, per direction. @default {} */
  rateLimit?: { up?: RateLimitOptions; down?: RateLimitOptions };
  /** @default { action: 'hold' } */
  onMetricError?: OnMetricError;
  /** Decide and emit, never call the provider (S2's `platform: manual`). @default false */
  dryRun?: boolean;
  /** Backoff after a failed `scaleTo`: `baseMs × 2^(failures − 1)`, at most `maxMs`. @default { baseMs: 1_000, maxMs: 60_000 } */
  retry?: { baseMs?: number; maxMs?: number };
  /** @default systemClock */
  clock?: Clock;
  /** Only the leader acts; the others emit `not-leader` decisions. */
  leader?: LeaderElector;
  /** Where to log; pino and console fit. @default silentLogger */
  logger?: Logger;
}
autoscalerSchema satisfies z.ZodType<unknown, AutoscalerOptions>;

/** Autoscaler options after validation, with every default filled in. */
export interface ResolvedOptions
  extends Required<
    Pick<
      AutoscalerOptions,
      'name' | 'metrics' | 'provider' | 'policy' | 'min' | 'max' | 'intervalMs' | 'metricTimeoutMs' | 'providerTimeoutMs' | 'dryRun'
    >
  > {
  metricMaxAgeMs?: number;
  signedMetrics: string[];
  activation?: { metric: string; above: number };
  stabilization: { up: number; down: number };
  cooldown: { up: number; down: number };
  rateLimit: { up?: RateLimitDirection; down?: RateLimitDirection };
  onMetricError: { action: 'hold' } | { action: 'fallback'; replicas: number; after: number } | { action: 'fail-open'; after: number };
  retry: { baseMs: number; maxMs: number };
  clock?: Clock;
  leader?: LeaderElector;
  logger?: Logger;
}

/** Validates Autoscaler options; the error names each bad field and what was expected. */
export function parseAutoscalerOptions(input: AutoscalerOptions): ResolvedOptions {
  const parsed: ResolvedOptions = parseWith(autoscalerSchema, input, 'core', 'Autoscaler options');
  return parsed;
}
