import { fleetError } from '../errors.js';
import type { MetricReading, MetricSource } from '../metric.js';

/** A MetricSource with values you set, and failures you inject. */
export interface ScriptedMetric extends MetricSource {
  /** Replaces some values (the others stay). */
  set(values: Record<string, number>): void;
  /** Makes the next `n` reads throw (Infinity: until `recover()`). */
  failNext(n: number): void;
  recover(): void;
  /** How many reads were made. */
  readonly reads: number;
}

/**
 * A source that returns what you last `set`. Use it to script a timeline in FakeClock tests. Its `keys` are the keys
 * set so far, so an Autoscaler whose policy reads a key it was never given is refused at construction.
 *
 * @example const m = fixedMetric({ pending: 16 }); m.set({ pending: 50 });
 */
export function fixedMetric(values: Record<string, number>, name = 'fixed'): ScriptedMetric {
  let current = { ...values };
  let failing = 0;
  let reads = 0;
  return {
    name,
    get keys() {
      return Object.keys(current);
    },
    get reads() {
      return reads;
    },
    async read(): Promise<MetricReading> {
      reads++;
      if (failing > 0) {
        failing--;
        throw fleetError('core', 'metric-failed', `metric source '${name}' failed (injected)`);
      }
      return { ...current };
    },
    set(next) {
      current = { ...current, ...next };
    },
    failNext(n) {
      failing = n;
    },
    recover() {
      failing = 0;
    },
  };
}

/**
 * A source that returns one reading per call from a list, then keeps returning the last.
 * An entry that is an Error is thrown instead.
 */
export function scriptedMetric(script: ReadonlyArray<Record<string, number> | Error>, name = 'scripted'): MetricSource {
  let i = 0;
  return {
    name,
    async read() {
      const entry = script[Math.min(i++, script.length - 1)];
      if (entry instanceof Error) throw entry;
      return { ...(entry ?? {}) };
    },
  };
}
