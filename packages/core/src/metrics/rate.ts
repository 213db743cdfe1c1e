import { z } from 'zod';
import { type Clock, systemClock } from '../clock.js';
import { parseWith } from '../errors.js';
import type { MetricReading, MetricSource } from '../metric.js';

const schema = z.strictObject({
  counter: z.string().min(1),
  as: z.string().min(1),
  clock: z.custom<Clock>().optional(),
});

/** Options of {@link rateOf}. */
export interface RateOfOptions {
  /** The key of the monotonic counter to derive from (`enqueuedTotal`). */
  counter: string;
  /** The key under which the per-second rate is added (`arrivalRate`). */
  as: string;
  /** Times readings that carry no `at` of their own. @default systemClock */
  clock?: Clock;
}
schema satisfies z.ZodType<unknown, RateOfOptions>;

/**
 * Adds a per-second rate derived from a monotonic counter (`enqueuedTotal` → `arrivalRate`) to a source's
 * readings. The first read, and a read after the counter went backwards (a restart), carry no rate, which the
 * Autoscaler treats as an outage of that key for one tick — never as a rate of zero.
 *
 * @example rateOf(queue.metricSource(), { counter: 'enqueuedTotal', as: 'arrivalRate' })
 */
export function rateOf(source: MetricSource, options: RateOfOptions): MetricSource {
  const o = parseWith(schema, options, 'core', 'rateOf options');
  const clock = o.clock ?? systemClock;
  let last: { value: number; at: number } | undefined;
  return {
    name: `${source.name}+rate(${o.counter})`,
    // The rate is declared only beside a complete list: a source that does not declare its keys may give any key.
    ...(source.keys !== undefined ? { keys: [...new Set([...source.keys, o.as])] } : {}),
    ...(source.maxAgeMs !== undefined ? { maxAgeMs: source.maxAgeMs } : {}),
    async read(signal): Promise<MetricReading> {
      const reading = await source.read(signal);
      const raw = reading[o.counter];
      const value = typeof raw === 'number' ? raw : raw?.value;
      const at = typeof raw === 'number' || raw === undefined ? clock.now() : raw.at;
      if (value === undefined || !Number.isFinite(value)) return reading;
      const previous = last;
      last = { value, at };
      if (!previous || value < previous.value || at <= previous.at) return reading;
      return { ...reading, [o.as]: { value: ((value - previous.value) * 1000) / (at - previous.at), at } };
    },
  };
}
