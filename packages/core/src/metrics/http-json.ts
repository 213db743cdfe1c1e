import { z } from 'zod';
import { fleetError, parseWith } from '../errors.js';
import type { MetricReading, MetricSource } from '../metric.js';

const schema = z.strictObject({
  url: z.url(),
  /** A dotted path per metric key: `{ pending: 'queue.pending' }`. A single string reads one key named after its last segment. */
  path: z.union([z.string().min(1), z.record(z.string().min(1), z.string().min(1))]),
  headers: z.record(z.string(), z.string()).default({}),
  name: z.string().optional(),
  maxAgeMs: z.number().int().positive().optional(),
});

/** Options of {@link httpJsonMetric}. */
export interface HttpJsonMetricOptions {
  /** The endpoint, answering JSON. */
  url: string;
  /** A dotted path per metric key: `{ pending: 'queue.pending' }`. A single string reads one key named after its last segment. */
  path: string | Record<string, string>;
  /** Extra request headers (an `authorization` header, say). @default {} */
  headers?: Record<string, string>;
  /** Shown in errors and decisions. @default `http <pathname>` */
  name?: string;
  /** Readings older than this are stale. */
  maxAgeMs?: number;
}
schema satisfies z.ZodType<unknown, HttpJsonMetricOptions>;

function dig(body: unknown, path: string): unknown {
  let here = body;
  for (const part of path.split('.')) {
    if (typeof here !== 'object' || here === null) return undefined;
    here = (here as Record<string, unknown>)[part];
  }
  return here;
}

/**
 * Reads numbers from a JSON endpoint (S0's `GET /api/queue/stats`, an admin API). A non-2xx answer, a body that
 * is not JSON, or a path that does not lead to a finite number is an outage, never a zero.
 *
 * @example httpJsonMetric({ url: 'http://127.0.0.1:8787/api/queue/stats', path: { pending: 'stats.pending' } })
 */
export function httpJsonMetric(options: HttpJsonMetricOptions): MetricSource {
  const o = parseWith(schema, options, 'core', 'httpJsonMetric options');
  const paths = typeof o.path === 'string' ? { [o.path.split('.').pop() as string]: o.path } : o.path;
  const name = o.name ?? `http ${new URL(o.url).pathname}`;
  return {
    name,
    keys: Object.keys(paths),
    ...(o.maxAgeMs !== undefined ? { maxAgeMs: o.maxAgeMs } : {}),
    async read(signal): Promise<MetricReading> {
      const response = await fetch(o.url, { headers: { accept: 'application/json', ...o.headers }, signal });
      if (!response.ok) throw fleetError('core', 'metric-failed', `${name}: ${o.url} answered ${response.status} ${response.statusText}`);
      const body: unknown = await response.json().catch((error: unknown) => {
        throw fleetError('core', 'metric-failed', `${name}: ${o.url} did not return JSON`, error);
      });
      const reading: MetricReading = {};
      for (const [key, path] of Object.entries(paths)) {
        const value = dig(body, path);
        const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
        if (typeof number !== 'number' || !Number.isFinite(number)) {
          throw fleetError('core', 'metric-failed', `${name}: '${path}' in the JSON of ${o.url} is ${JSON.stringify(value)}, not a number`);
        }
        reading[key] = number;
      }
      return reading;
    },
  };
}
