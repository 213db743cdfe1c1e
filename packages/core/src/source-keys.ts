import { didYouMean, didYouMeanText } from './did-you-mean.js';
import { fleetError } from './errors.js';
import type { MetricSource } from './metric.js';

/** A metric key a tick needs, and the option that reads it (for messages). */
export interface NeededKey {
  key: string;
  /** `policy` or `activation.metric`. */
  readBy: string;
}

/** Every key some source declares (sources that declare none add nothing). */
export function declaredKeys(sources: readonly MetricSource[]): Set<string> {
  return new Set(sources.flatMap((s) => s.keys ?? []));
}

const quoted = (keys: Iterable<string>) => [...keys].map((k) => `\`${k}\``).join(', ');

/**
 * Refuses a key no source gives, when that can be known before the first tick: every source declares its `keys`
 * and none declares a key the policy or the activation rule reads. Such a key would be an outage on every tick.
 *
 * @throws FleetError `invalid-options` naming the key, the option that reads it, what each source gives, and the
 * closest key a source gives.
 */
export function assertKeysProvided(sources: readonly MetricSource[], needed: readonly NeededKey[]): void {
  if (sources.some((s) => s.keys === undefined)) return;
  const declared = declaredKeys(sources);
  const missing = needed.filter((n) => !declared.has(n.key));
  if (missing.length === 0) return;
  const lines = missing.map(({ key, readBy }) => `${readBy}: metric \`${key}\` is provided by no source${didYouMeanText(key, declared)}`);
  const given = sources.map((s) => `'${s.name}' provides ${s.keys?.length ? quoted(s.keys) : 'no key'}`).join('; ');
  throw fleetError('core', 'invalid-options', `invalid Autoscaler options: ${lines.join('; ')}; ${given}`);
}

/** The one report of a needed key that no reading has held so far, while every source answered. */
export function unprovidedKeyText(key: string, given: readonly string[]): string {
  const close = didYouMean(key, given);
  return (
    `metric '${key}' is provided by no source${close ? ` (did you mean '${close}'?)` : ''}: ` +
    `the sources gave ${given.length > 0 ? given.map((k) => `'${k}'`).join(', ') : 'no key'}; ` +
    'ticks hold until a source gives it (reported once)'
  );
}
