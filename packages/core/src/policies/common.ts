import { z } from 'zod';
import { parseWith } from '../errors.js';
import { cmp, div, type Fraction } from '../exact.js';
import type { Policy, PolicyInput, Proposal } from '../policy.js';

/** Shared zod pieces, so every policy describes its options the same way. */
export const metricKey = z.string().min(1, 'expected a non-empty metric key');
export const positive = z.number().finite().positive();
export const nonNegative = z.number().finite().min(0);
export const step = z.number().int().min(1).default(1);

/** Parses a policy's options, naming the policy and the field on failure. */
export function policyOptions<S extends z.ZodType>(name: string, schema: S, input: unknown): z.output<S> {
  return parseWith(schema, input, 'core', `${name}() options`);
}

/** Builds a frozen Policy from its parts. */
export function definePolicy(
  name: string,
  keys: readonly string[],
  propose: (input: PolicyInput) => Proposal,
  extra: Partial<Pick<Policy, 'partial' | 'bounds'>> = {},
): Policy {
  return Object.freeze({ name, keys: Object.freeze([...keys]), propose, ...extra });
}

/** Formats a figure for a reason: integers as is, others to at most 2 decimals. */
export function fmt(x: number | Fraction): string {
  const n = typeof x === 'number' ? x : Number(x.n) / Number(x.d);
  if (!Number.isFinite(n)) return n > 0 ? '∞' : String(n);
  return Number.isInteger(n) ? String(n) : String(Math.round(n * 100) / 100);
}

/** "1 worker" / "4 workers". */
export function workers(n: number): string {
  return `${n} worker${n === 1 ? '' : 's'}`;
}

/**
 * A per-worker load `value / current`, compared exactly. With 0 workers the load is infinite when
 * there is work and 0 when there is none (only `min` floors the result).
 */
export class Load {
  constructor(
    readonly value: number,
    readonly current: number,
  ) {}

  /** -1, 0 or 1 as the load is below, at or above `threshold`. */
  compare(threshold: number | Fraction): -1 | 0 | 1 {
    if (this.current === 0) return this.value > 0 ? 1 : cmp(0, threshold);
    return cmp(div(this.value, this.current), threshold);
  }

  above(threshold: number | Fraction): boolean {
    return this.compare(threshold) > 0;
  }

  below(threshold: number | Fraction): boolean {
    return this.compare(threshold) < 0;
  }

  /** "16/worker", "∞/worker". */
  toString(): string {
    if (this.current === 0) return this.value > 0 ? '∞/worker' : '0/worker';
    return `${fmt(div(this.value, this.current))}/worker`;
  }
}

/** Moves `current` one step up or down, never below zero. */
export function stepped(current: number, direction: 1 | -1, by: number): number {
  return Math.max(0, current + direction * by);
}
