import { type FleetStatus, MAX_TIMER_MS, parseWith, type ScaleDirection, tooLongForTimer } from '@fleet/core';
import { z } from 'zod';

/** The scope in this package's error messages: `[fleet] [provider-local] …`. */
export const SCOPE = 'provider-local';

/** Milliseconds: a finite number >= 0. */
export const ms = z.number().finite().min(0);

/** Milliseconds that feed a timer: Node fires a delay above 2^31 − 1 ms after 1 ms, so a longer one is refused. */
export const timerMs = ms.max(MAX_TIMER_MS, tooLongForTimer);

/** Fleet bounds shared by both providers: `min <= max`, checked with the field named. */
export const boundsShape = {
  min: z.number().int().min(0).default(0),
  max: z.number().int().min(1).default(64),
};

/**
 * Life-cycle options shared by both providers: the initial size, the drain before a forced stop, readiness, and
 * the restart backoff, with the same defaults and the same checks.
 */
export const lifecycleShape = {
  initial: z.number().int().min(0).optional(),
  drainTimeoutMs: timerMs.default(30_000),
  waitReady: z.boolean().default(false),
  readyGraceMs: timerMs.default(0),
  restart: z
    .strictObject({
      baseMs: timerMs.default(100),
      maxMs: timerMs.default(30_000),
      minUptimeMs: ms.default(1_000),
      maxUnstable: z.number().int().min(1).default(5),
    })
    .default({ baseMs: 100, maxMs: 30_000, minUptimeMs: 1_000, maxUnstable: 5 }),
};

/** Adds the `min <= max` check to an options schema. */
export function checkBounds<T extends { min: number; max: number }>(value: T, ctx: z.RefinementCtx): void {
  if (value.min > value.max) {
    ctx.addIssue({ code: 'custom', path: ['min'], message: `expected min <= max (${value.max}), got ${value.min}` });
  }
}

/** Validates a `scaleTo` target against the bounds: a FleetError `invalid-input` naming it, before anything changes. */
export function parseTarget(target: unknown, min: number, max: number, scope: string): number {
  const schema = z.number().int().min(min).max(max);
  return parseWith(schema, target, scope, `scaleTo target (an integer in [${min}, ${max}])`, 'invalid-input');
}

/** Remembers the last scaling event, for `status().lastScaledAt`. */
export class ScaleLog {
  at?: number;
  direction?: ScaleDirection;

  record(from: number, to: number): void {
    if (from === to) return;
    this.at = Date.now();
    this.direction = to > from ? 'up' : 'down';
  }

  status(target: number, ready: number, starting: number): FleetStatus {
    return {
      target,
      ready,
      starting,
      ...(this.at !== undefined ? { lastScaledAt: this.at } : {}),
      ...(this.direction ? { lastScaleDirection: this.direction } : {}),
    };
  }
}

/** Restart backoff: `min(maxMs, baseMs × 2^(n-1))` for the n-th quick exit in a row. */
export function backoffMs(failures: number, baseMs: number, maxMs: number): number {
  return Math.min(maxMs, baseMs * 2 ** Math.max(0, failures - 1));
}
