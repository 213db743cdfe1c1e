import type { Clock } from '../clock.js';
import { errorText, toError } from '../error-text.js';
import { fleetError } from '../errors.js';
import type { MetricReading, MetricSource } from '../metric.js';
import { withTimeout } from '../timeout.js';

/** Why a source's reading could not be used. */
export interface MetricProblem {
  source: string;
  error: Error;
}

/** The merged fresh readings of one tick and the problems met. */
export interface MetricsRead {
  metrics: Record<string, number>;
  problems: MetricProblem[];
}

function usable(
  source: MetricSource,
  reading: MetricReading,
  now: number,
  maxAgeMs: number | undefined,
  into: Record<string, number>,
  problems: MetricProblem[],
) {
  if (typeof reading !== 'object' || reading === null) {
    problems.push({
      source: source.name,
      error: fleetError(
        'core',
        'metric-failed',
        `metric source '${source.name}' returned ${String(reading)}, expected an object of numbers`,
      ),
    });
    return;
  }
  const limit = source.maxAgeMs ?? maxAgeMs;
  for (const [key, raw] of Object.entries(reading)) {
    const value = typeof raw === 'number' ? raw : raw?.value;
    const at = typeof raw === 'number' ? undefined : raw?.at;
    // Stale or non-finite is an outage of that key, never a zero.
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      problems.push({
        source: source.name,
        error: fleetError('core', 'metric-failed', `metric '${key}' from '${source.name}' is ${String(value)}, not a finite number`),
      });
    } else if (limit !== undefined && at !== undefined && now - at > limit) {
      problems.push({
        source: source.name,
        error: fleetError(
          'core',
          'metric-failed',
          `metric '${key}' from '${source.name}' is stale: ${now - at} ms old > maxAgeMs ${limit}`,
        ),
      });
    } else into[key] = value;
  }
}

/** Reads every source in parallel, each under its own timeout, and merges the fresh values by key. */
export async function readMetrics(
  sources: readonly MetricSource[],
  clock: Clock,
  timeoutMs: number,
  maxAgeMs?: number,
): Promise<MetricsRead> {
  const results = await Promise.allSettled(
    sources.map((s) => withTimeout(clock, timeoutMs, `metric source '${s.name}'`, (signal) => s.read(signal))),
  );
  const metrics: Record<string, number> = {};
  const problems: MetricProblem[] = [];
  const now = clock.now();
  results.forEach((r, i) => {
    const source = sources[i] as MetricSource;
    if (r.status === 'fulfilled') usable(source, r.value, now, maxAgeMs, metrics, problems);
    else {
      // Whatever was thrown (a string, an object, one whose toString throws) becomes text once, redacted.
      const error = toError(r.reason, 'core', 'metric-failed');
      problems.push({
        source: source.name,
        error: fleetError('core', 'metric-failed', `metric source '${source.name}' failed: ${errorText(r.reason)}`, error),
      });
    }
  });
  return { metrics, problems };
}
