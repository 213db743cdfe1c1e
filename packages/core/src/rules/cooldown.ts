import type { RuleContext, Step } from './state.js';
import { duration } from './state.js';

/**
 * The last scale-up and last scaling event, own or reported by the provider (so cooldowns survive a restart). A
 * time after `now` (a backend clock running ahead, the system clock set back) counts as `now`: taken as is, it would block scale-down
 * until the clocks meet, which may be never.
 */
export function lastScaling(ctx: RuleContext): { up?: number; any?: number } {
  const { lastScaledAt, lastScaleDirection } = ctx.input.status;
  const { now } = ctx.input;
  const latest = (a?: number, b?: number) => {
    const t = a === undefined ? b : b === undefined ? a : Math.max(a, b);
    return t === undefined ? undefined : Math.min(t, now);
  };
  return {
    up: latest(ctx.state.lastUpAt, lastScaleDirection === 'up' ? lastScaledAt : undefined),
    any: latest(ctx.state.lastEventAt, lastScaledAt),
  };
}

/**
 * Rule 4: no scale-up within `cooldown.up` of the last scale-up; no scale-down within `cooldown.down`
 * of the last scaling event of either direction.
 */
export function cooldown(ctx: RuleContext, value: number): Step | undefined {
  const { current, input, config } = ctx;
  if (value === current) return undefined;
  const last = lastScaling(ctx);
  const up = value > current;
  const since = up ? last.up : last.any;
  const limit = up ? config.cooldown.up : config.cooldown.down;
  if (since === undefined || input.now - since >= limit) return undefined;
  const ago = input.now - since;
  return {
    value: current,
    code: 'cooldown',
    reason: `wants ${value}, but the last ${up ? 'scale-up' : 'scaling event'} was ${duration(ago)} ago < ${up ? 'up' : 'down'} cooldown ${duration(limit)} (${duration(limit - ago)} left): hold at ${current}`,
  };
}
