/** A value with the time it was measured (ms since epoch), so stale data can be told from fresh. */
export interface MetricSample {
  value: number;
  /** When the value was measured. Readings older than the source's `maxAgeMs` are treated as an outage. */
  at: number;
}

/** What a source returns: numbers by key, plain or with the time they were measured. */
export type MetricReading = Record<string, number | MetricSample>;

/**
 * Reads numbers for the Autoscaler (queue depth, CPU, mailbox count…).
 *
 * A read that throws, times out, or returns stale or non-finite values is an *outage* of its keys —
 * never zero — so a failing source can never scale the fleet down.
 */
export interface MetricSource {
  /** Shown in errors and decisions. */
  readonly name: string;
  /**
   * Every key this source may give. When every source of an Autoscaler declares its keys, a policy that reads a key
   * none of them gives (a typo: `pendnig`) is refused when the Autoscaler is built; without a declaration, the first
   * tick that misses the key reports it once. Declare only keys the source really gives: a declared key that never
   * comes is an outage on every tick. @default undefined (not declared)
   */
  readonly keys?: readonly string[];
  /** Samples older than this (by their `at`) are stale. @default undefined (never stale) */
  readonly maxAgeMs?: number;
  /** Reads the current values. Honour `signal`: the Autoscaler aborts reads that overrun its timeout. */
  read(signal: AbortSignal): Promise<MetricReading>;
}
