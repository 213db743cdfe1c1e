/**
 * A copy of `value` in which every number under a key ending in `Ms` (an age or a duration, such as
 * `oldestReadyAgeMs`) is rounded to whole milliseconds, at any depth. For what the CLI prints: a queue measures
 * ages with sub-millisecond noise that helps no one reading a log line.
 */
export function roundMs<T>(value: T): T {
  return round(value, '') as T;
}

function round(value: unknown, key: string): unknown {
  if (typeof value === 'number') return key.endsWith('Ms') && Number.isFinite(value) ? Math.round(value) : value;
  if (Array.isArray(value)) return value.map((v) => round(v, key));
  if (typeof value === 'object' && value !== null) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, round(v, k)]));
  return value;
}
