import type { RuleContext, Step } from './state.js';
import { duration } from './state.js';

/** Rule 6a: a manual override that has not expired sets the size (kept inside [min, max]). */
export function override({ input, min, max }: RuleContext): Step | undefined {
  const o = input.modes?.override;
  if (!o || input.now >= o.until) return undefined;
  const value = Math.min(max, Math.max(min, o.replicas));
  const capped = value !== o.replicas ? ` (kept inside [${min}, ${max}])` : '';
  return { value, code: 'override', reason: `manual override to ${o.replicas}${capped} for ${duration(o.until - input.now)} more` };
}

/** Rule 6b: paused scaling (all, scale-in or scale-out) holds. */
export function paused({ input, current }: RuleContext, value: number): Step | undefined {
  const p = input.modes?.paused;
  if (!p || value === current) return undefined;
  const blocked = p === 'all' || (p === 'scaleIn' && value < current) || (p === 'scaleOut' && value > current);
  if (!blocked) return undefined;
  const what = p === 'all' ? 'scaling is paused' : `${p === 'scaleIn' ? 'scale-in' : 'scale-out'} is paused`;
  return { value: current, code: 'paused', reason: `wants ${value}, but ${what}: hold at ${current}` };
}

/** Rule 6c: after a failed `scaleTo`, the next try waits for its backoff. */
export function providerBackoff({ input, state, current }: RuleContext, value: number): Step | undefined {
  if (value === current || state.retryAt === undefined || input.now >= state.retryAt) return undefined;
  return {
    value: current,
    code: 'provider-backoff',
    reason: `wants ${value}, but the last scaleTo failed (${state.failures}×): retry in ${duration(state.retryAt - input.now)}`,
  };
}
