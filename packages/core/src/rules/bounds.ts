import type { RuleContext, Step } from './state.js';
import { duration } from './state.js';

/** Rule 2a: a current size outside [min, max] goes straight to the bound, past every later rule (as HPA does). */
export function outOfBounds({ current, min, max, boundsReason }: RuleContext): Step | undefined {
  const why = boundsReason ? ` (${boundsReason})` : '';
  if (current < min)
    return { value: min, code: 'out-of-bounds', reason: `current ${current} is below min ${min}${why}: straight to ${min}` };
  if (current > max)
    return { value: max, code: 'out-of-bounds', reason: `current ${current} is above max ${max}${why}: straight to ${max}` };
  return undefined;
}

/** Rule 2b: clamp the desire into [min, max]. */
export function clamp({ min, max, boundsReason }: RuleContext, value: number): Step | undefined {
  const why = boundsReason ? ` (${boundsReason})` : '';
  if (value > max) return { value: max, code: 'at-max', reason: `wants ${value}, capped at max ${max}${why}` };
  if (value < min) return { value: min, code: 'at-min', reason: `wants ${value}, floored at min ${min}${why}` };
  return undefined;
}

/** Whether the activation metric shows work (scale from zero only then). */
export function isActive({ config, input }: RuleContext): boolean {
  const a = config.activation;
  if (!a) return true;
  return (input.metrics[a.metric] ?? 0) > a.above;
}

/**
 * Rule 2c, activation (`min: 0`): leave zero only when the activation metric exceeds its threshold;
 * go back to zero only after `cooldown.down` with nothing to do.
 */
export function activation(ctx: RuleContext, value: number, idleSince: number | undefined): Step | undefined {
  const a = ctx.config.activation;
  if (!a) return undefined;
  const active = isActive(ctx);
  const figure = `${a.metric} ${ctx.input.metrics[a.metric] ?? 'missing'}`;
  if (ctx.current === 0 && value > 0 && !active) {
    return { value: 0, code: 'activation', reason: `${figure} is not above activation ${a.above}: stay at zero` };
  }
  if (ctx.current > 0 && value === 0) {
    const idleFor = idleSince === undefined ? 0 : ctx.input.now - idleSince;
    if (active || idleFor < ctx.config.cooldown.down) {
      return {
        value: 1,
        code: 'activation',
        reason: active
          ? `${figure} is above activation ${a.above}: keep 1`
          : `idle for ${duration(idleFor)} < ${duration(ctx.config.cooldown.down)}: keep 1 before scaling to zero`,
      };
    }
  }
  return undefined;
}
