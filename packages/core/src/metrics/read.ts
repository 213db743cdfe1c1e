import type { Clock } from '../clock.js';
import { errorText, toError } from '../error-text.js';
import { fleetError } from '../errors.js';
import type { MetricReading, MetricSource } from '../metric.js';
import { withTimeout } from '../timeout.js';

/** Why a source's reading could not be used. */
export interface MetricProblem {
  source: string;
  /** The key whose value was unusable; absent when the whole source failed. */
  key?: string;
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
  signed: readonly string[],
  into: Record<string, number>,
  problems: MetricProblem[],
) {
  if (typeof reading !== 'object' || reading === null || Array.isArray(reading)) {
    problems.push({
      source: source.name,
      error: fleetError(
        'core',
        'metric-failed',
        `metric source '${source.name}' returned ${Array.isArray(reading) ? 'an array' : errorText(reading)}, expected an object of numbers`,
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
        key,
        error: fleetError('core', 'metric-failed', `metric '${key}' from '${source.name}' is ${String(value)}, not a finite number`),
      });
    } else if (value < 0 && !signed.includes(key)) {
      // A count, an age or a rate below zero means a broken source: read as zero it would shrink the fleet.
      problems.push({
        source: source.name,
        key,
        error: fleetError(
          'core',
          'metric-failed',
          `metric '${key}' from '${source.name}' is ${value}, below zero (list it in signedMetrics if it may be negative)`,
        ),
      });
    } else if (limit !== undefined && at !== undefined && (typeof at !== 'number' || !Number.isFinite(at) || now - at > limit)) {
      problems.push({
        source: source.name,
        key,
        error: fleetError(
          'core',
          'metric-failed',
          `metric '${key}' from '${source.name}' is stale: ${now - at} ms old > maxAgeMs ${limit}`,
        ),
      });
    } else into[key] = value;
  }
}

/**
 * Reads every source in parallel, each under its own timeout, and merges the fresh values by key. A value that is
 * not a finite number, is stale, or is negative (unless its key is in `signedKeys`) is an outage of its key.
 */
export async function readMetrics(
  sources: readonly MetricSource[],
  clock: Clock,
  timeoutMs: number,
  maxAgeMs?: number,
  signedKeys: readonly string[] = [],
): Promise<MetricsRead> {
  const results = await Promise.allSettled(
    sources.map((s) => withTimeout(clock, timeoutMs, `metric source '${s.name}'`, (signal) => s.read(signal))),
  );
  const metrics: Record<string, number> = {};
  const problems: MetricProblem[] = [];
  const now = clock.now();
  results.forEach((r, i) => {
    const source = sources[i] as MetricSource;
    if (r.status === 'fulfilled') {
      // A reading with throwing getters (a Proxy, a getter) is the source's failure, not the loop's.
      const fresh: Record<string, number> = {};
      const found: MetricProblem[] = [];
      try {
        usable(source, r.value, now, maxAgeMs, signedKeys, fresh, found);
        Object.assign(metrics, fresh);
        problems.push(...found);
      } catch (error) {
        const message = `metric source '${source.name}' returned a reading that cannot be read: ${errorText(error)}`;
        problems.push({ source: source.name, error: fleetError('core', 'metric-failed', message, error) });
      }
    } else {
      problems.push({
        source: source.name,
        error: fleetError(
          'core',
          'metric-failed',
          `metric source '${source.name}' failed: ${errorText(r.reason)}`,
          toError(r.reason, 'core', 'metric-failed'),
        ),
      });
    }
  });
  return { metrics, problems };
}
