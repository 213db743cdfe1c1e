import { CronExpressionParser } from 'cron-parser';
import { z } from 'zod';
import type { Policy, PolicyBounds } from '../policy.js';
import { definePolicy, policyOptions } from './common.js';

const cron = z.string().refine(
  (expr) => {
    try {
      CronExpressionParser.parse(expr);
      return true;
    } catch {
      return false;
    }
  },
  { message: 'expected a cron expression such as "0 9 * * 1-5"' },
);

const window = z
  .strictObject({
    name: z.string().optional(),
    /** When the window opens. */
    cron,
    /** How long it stays open. */
    durationMs: z.number().int().positive(),
    /** IANA time zone of the cron expression. @default 'UTC' */
    timezone: z.string().default('UTC'),
    min: z.number().int().min(0).optional(),
    max: z.number().int().min(0).optional(),
  })
  .refine((w) => w.min !== undefined || w.max !== undefined, { message: 'expected min or max' })
  .refine((w) => w.min === undefined || w.max === undefined || w.min <= w.max, { message: 'min must not be above max', path: ['min'] });

/** A time window that raises `min` and/or lowers `max`: `{ cron: '0 9 * * 1-5', durationMs: 9 * 3600_000, min: 3 }`. */
export interface ScheduleWindow {
  /** Shown in reasons. @default the cron expression */
  name?: string;
  /** When the window opens, a 5-field cron expression. */
  cron: string;
  /** How long it stays open, in ms. */
  durationMs: number;
  /** IANA time zone of the cron expression. @default 'UTC' */
  timezone?: string;
  /** The least size while open. */
  min?: number;
  /** The largest size while open. */
  max?: number;
}
window satisfies z.ZodType<unknown, ScheduleWindow>;

/**
 * Wraps a policy with cron windows that raise `min` (business hours) or lower `max` (batch nights).
 * Overlapping windows combine: the highest `min` and the lowest `max` apply.
 *
 * @example schedule(ceilTarget({ ... }), [{ name: 'business hours', cron: '0 9 * * 1-5', durationMs: 9 * 3600_000, timezone: 'Europe/Berlin', min: 3 }])
 */
export function schedule(policy: Policy, windows: ScheduleWindow[]): Policy {
  const parsed = policyOptions('schedule', z.array(window).min(1, 'expected at least one window'), windows);
  const open = (w: (typeof parsed)[number], now: number) => {
    // The last opening at or before now (cron-parser's prev() is strictly before its current date).
    const last = CronExpressionParser.parse(w.cron, { currentDate: new Date(now + 1), tz: w.timezone })
      .prev()
      .getTime();
    return now < last + w.durationMs;
  };
  const bounds = (now: number): PolicyBounds | undefined => {
    const active = parsed.filter((w) => open(w, now));
    const inner = policy.bounds?.(now);
    if (active.length === 0) return inner;
    const mins = [inner?.min, ...active.map((w) => w.min)].filter((m): m is number => m !== undefined);
    const maxes = [inner?.max, ...active.map((w) => w.max)].filter((m): m is number => m !== undefined);
    const said = active.map(
      (w) =>
        `schedule '${w.name ?? w.cron}' (${w.min !== undefined ? `min ${w.min}` : ''}${w.min !== undefined && w.max !== undefined ? ', ' : ''}${w.max !== undefined ? `max ${w.max}` : ''})`,
    );
    return {
      ...(mins.length ? { min: Math.max(...mins) } : {}),
      ...(maxes.length ? { max: Math.min(...maxes) } : {}),
      reason: [inner?.reason, ...said].filter(Boolean).join('; '),
    };
  };
  return definePolicy(policy.name, policy.keys, (input) => policy.propose(input), {
    bounds,
    ...(policy.partial ? { partial: true } : {}),
  });
}
