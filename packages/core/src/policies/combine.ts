import { z } from 'zod';
import type { Policy, PolicyBounds, PolicyInput, Proposal } from '../policy.js';
import { definePolicy, policyOptions } from './common.js';

const schema = z.strictObject({ mode: z.enum(['max', 'min', 'sum']).default('max') });

/** Options of {@link combine}. */
export interface CombineOptions {
  /** `max`: the largest desire wins; `min`: the smallest; `sum`: each policy sizes its own share. @default 'max' */
  mode?: 'max' | 'min' | 'sum';
}
schema satisfies z.ZodType<unknown, CombineOptions>;

const isPolicy = (p: unknown): p is Policy =>
  typeof p === 'object' && p !== null && typeof (p as Policy).propose === 'function' && Array.isArray((p as Policy).keys);

function vote(policy: Policy, input: PolicyInput): Proposal {
  const missing = policy.keys.filter((k) => input.metrics[k] === undefined);
  // A policy whose data is out votes only to hold: a healthy one may still scale up, nothing scales down.
  if (missing.length > 0 && !policy.partial) {
    return { desired: input.current, code: 'metric-outage', reason: `hold: no fresh ${missing.join(', ')}` };
  }
  return policy.propose(input);
}

/**
 * Several policies at once: `max` (default: the largest desire wins, so any signal can scale up),
 * `min` (the smallest wins), or `sum` (each policy sizes its own share). A policy whose metrics are
 * out votes to hold at the current size.
 *
 * @example combine({ mode: 'max' }, ceilTarget({ ... }), thresholds({ ... }))
 */
export function combine(options: CombineOptions, ...policies: Policy[]): Policy {
  const o = policyOptions('combine', schema, options);
  policies.forEach((p, i) => {
    if (!isPolicy(p))
      policyOptions(
        'combine',
        z.custom(() => false, `policy ${i + 1} is not a Policy`),
        p,
      );
  });
  if (policies.length === 0)
    policyOptions(
      'combine',
      z.custom(() => false, 'expected at least one policy'),
      policies,
    );
  const keys = [...new Set(policies.flatMap((p) => p.keys))];
  const propose = (input: PolicyInput): Proposal => {
    const votes = policies.map((p) => ({ name: p.name, ...vote(p, input) }));
    const outage = votes.some((v) => v.code === 'metric-outage');
    const sizes = votes.map((v) => v.desired);
    let desired: number;
    if (o.mode === 'sum') desired = outage ? input.current : sizes.reduce((a, b) => a + b, 0);
    else desired = o.mode === 'max' ? Math.max(...sizes) : Math.min(...sizes);
    const allHold = votes.every((v) => v.code === 'within-tolerance' || v.code === 'metric-outage');
    // At the current size because an out policy voted to hold: name the outage, not the policy.
    const code = desired !== input.current ? undefined : outage ? 'metric-outage' : allHold ? 'within-tolerance' : undefined;
    const reason = `${o.mode} of [${votes.map((v) => `${v.name}: ${v.desired} (${v.reason})`).join('; ')}] = ${desired}`;
    return code ? { desired, reason, code } : { desired, reason };
  };
  const bounds = (now: number): PolicyBounds | undefined => {
    const all = policies.map((p) => p.bounds?.(now)).filter((b): b is PolicyBounds => b !== undefined);
    if (all.length === 0) return undefined;
    const mins = all.map((b) => b.min).filter((m): m is number => m !== undefined);
    const maxes = all.map((b) => b.max).filter((m): m is number => m !== undefined);
    return {
      ...(mins.length ? { min: Math.max(...mins) } : {}),
      ...(maxes.length ? { max: Math.min(...maxes) } : {}),
      reason: all
        .map((b) => b.reason)
        .filter(Boolean)
        .join('; '),
    };
  };
  return definePolicy(`${o.mode}(${policies.map((p) => p.name).join(', ')})`, keys, propose, { partial: true, bounds });
}
