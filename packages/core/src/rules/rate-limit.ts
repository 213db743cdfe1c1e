import { add, ceil, div, floor, mul } from '../exact.js';
import type { RateLimitDirection } from '../options.js';
import type { RuleContext, ScaleEvent, Step } from './state.js';
import { duration } from './state.js';

/** The size at the start of a period: current minus what was added in it plus what was removed (HPA). */
function periodStart(current: number, events: readonly ScaleEvent[], periodMs: number, now: number): number {
  let start = current;
  for (const e of events) if (now - e.at < periodMs) start -= e.change;
  return start;
}

/** The most a scale-up may reach now, before clamping to current and max (HPA's calculateScaleUpLimit). */
export function scaleUpLimit(current: number, rules: RateLimitDirection, events: readonly ScaleEvent[], now: number): number {
  if (rules.select === 'disabled') return current;
  const proposals = rules.limits.map((l) => {
    const start = periodStart(current, events, l.periodMs, now);
    return 'workers' in l ? start + l.workers : ceil(div(mul(start, add(100, l.percent)), 100));
  });
  return rules.select === 'min' ? Math.min(...proposals) : Math.max(...proposals);
}

/** The least a scale-down may reach now, before clamping to current and min (HPA's calculateScaleDownLimit). */
export function scaleDownLimit(current: number, rules: RateLimitDirection, events: readonly ScaleEvent[], now: number): number {
  if (rules.select === 'disabled') return current;
  const proposals = rules.limits.map((l) => {
    const start = periodStart(current, events, l.periodMs, now);
    // Percent rounds down when scaling down (HPA truncates).
    return 'workers' in l ? start - l.workers : floor(div(mul(start, add(100, -l.percent)), 100));
  });
  return rules.select === 'min' ? Math.max(...proposals) : Math.min(...proposals);
}

/** Rule 5: at most `workers` or `percent` per period, per direction, with HPA's arithmetic. */
export function rateLimit(ctx: RuleContext, value: number): Step | undefined {
  const { current, input, state, config } = ctx;
  const up = value > current;
  const rules = up ? config.rateLimit.up : config.rateLimit.down;
  if (!rules || value === current) return undefined;
  const limit = up
    ? Math.max(current, scaleUpLimit(current, rules, state.events, input.now))
    : Math.min(current, scaleDownLimit(current, rules, state.events, input.now));
  const allowed = up ? Math.min(value, limit) : Math.max(value, limit);
  if (allowed === value) return undefined;
  const spec = rules.limits.map((l) => `${'workers' in l ? `${l.workers} workers` : `${l.percent} %`} per ${duration(l.periodMs)}`);
  const how =
    rules.select === 'disabled'
      ? `scaling ${up ? 'up' : 'down'} is disabled`
      : `rate limit (${rules.select} of ${spec.join(', ')}) allows ${allowed}`;
  return { value: allowed, code: 'rate-limited', reason: `wants ${value}, ${how}` };
}

/** The longest rate-limit period, so older events can be dropped. */
export function longestPeriod(rules: { up?: RateLimitDirection; down?: RateLimitDirection }): number {
  const all = [...(rules.up?.limits ?? []), ...(rules.down?.limits ?? [])];
  return all.length ? Math.max(...all.map((l) => l.periodMs)) : 0;
}
