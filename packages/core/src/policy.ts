import type { DecisionCode } from './decision.js';

/** What a policy sees on each tick. */
export interface PolicyInput {
  /** Fresh readings by key. A key the policy needs is absent only for a `partial` policy (see {@link Policy.partial}). */
  metrics: Readonly<Record<string, number>>;
  /** The current size: the provider's `target` (starting workers count as capacity). */
  current: number;
  /** Workers ready. */
  ready: number;
  /** Workers still starting. */
  starting: number;
  /** Time of the tick, from the Autoscaler's clock. */
  now: number;
}

/** A policy's answer: a size and a sentence that says why. */
export interface Proposal {
  /** Desired size before bounds and the behaviour rules. A non-negative integer. */
  desired: number;
  /** A sentence a person understands: "16 pending over 1 worker = 16/worker > 8: ceil(16/5) = 4". */
  reason: string;
  /** Set when the policy itself holds for a named reason (`within-tolerance`, `metric-outage`). */
  code?: DecisionCode;
}

/** Bounds a policy imposes at a given time (a schedule raising `min` during business hours). */
export interface PolicyBounds {
  min?: number;
  max?: number;
  /** Why the bounds apply, e.g. "schedule 'business-hours' raises min to 3". */
  reason?: string;
}

/**
 * Turns readings into a desired size. Pure: no I/O, no clock of its own, no state between calls,
 * so a table of inputs is a complete test.
 */
export interface Policy {
  /** Shown in reasons. */
  readonly name: string;
  /** The metric keys the policy reads. A missing or stale key is an outage for this policy. */
  readonly keys: readonly string[];
  /** True when `propose` handles missing keys itself (`combine`): it is still called during a partial outage. */
  readonly partial?: boolean;
  propose(input: PolicyInput): Proposal;
  /** Bounds that depend on time (see `schedule`). */
  bounds?(now: number): PolicyBounds | undefined;
}
