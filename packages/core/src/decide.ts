import { actionOf, type Decision } from './decision.js';
import { errorText } from './error-text.js';
import type { PolicyBounds, Proposal } from './policy.js';
import { activation, clamp, isActive, outOfBounds } from './rules/bounds.js';
import { cooldown } from './rules/cooldown.js';
import { keysRead, onOutage, partialOutage } from './rules/health.js';
import { override, paused, providerBackoff } from './rules/modes.js';
import { longestPeriod, rateLimit } from './rules/rate-limit.js';
import { stabilizationStep } from './rules/stabilize.js';
import type { DecideInput, RuleConfig, RuleContext, ScalerState, Step } from './rules/state.js';

/** A decision and the rule memory to use on the next tick. */
export interface DecideResult {
  decision: Decision;
  state: ScalerState;
}

function propose(config: RuleConfig, ctx: RuleContext): Proposal {
  const { input, current } = ctx;
  try {
    const p = config.policy.propose({
      metrics: input.metrics,
      current,
      ready: input.status.ready,
      starting: input.status.starting ?? 0,
      now: input.now,
    });
    if (Number.isSafeInteger(p.desired) && p.desired >= 0) return p;
    return {
      desired: current,
      code: 'policy-error',
      reason: `policy ${config.policy.name} proposed ${String(p.desired)}, not a non-negative integer: hold`,
    };
  } catch (error) {
    return {
      desired: current,
      code: 'policy-error',
      reason: `policy ${config.policy.name} threw: ${errorText(error)}: hold`,
    };
  }
}

/**
 * The pure heart of the Autoscaler: readings + state + now → Decision. Runs the policy, then the behaviour
 * rules in their fixed order (health, bounds, stabilization, cooldown, rate limit, modes). The Decision's
 * code names the first rule whose result is the final size; its reason says why in a sentence.
 */
export function decide(config: RuleConfig, state: ScalerState, input: DecideInput): DecideResult {
  const ctx = ruleContext(config, state, input);
  const { current, max } = ctx;

  // 1. Metric health.
  const missing = keysRead(config).filter((k) => input.metrics[k] === undefined);
  const policyMissing = missing.filter((k) => config.policy.keys.includes(k));
  const activationMissing = config.activation !== undefined && missing.includes(config.activation.metric);
  const outageTicks = missing.length > 0 ? state.outageTicks + 1 : 0;
  let first: Step;
  // A partial policy (combine) still votes while some of its data is out; with all of it out, the outage rule applies.
  const blind = policyMissing.length > 0 && (!config.policy.partial || policyMissing.length === config.policy.keys.length);
  if (blind) first = onOutage({ ...config, max }, current, outageTicks, missing, input.metricErrors ?? []);
  else {
    const p = propose(config, ctx);
    first = { value: p.desired, code: p.code ?? 'policy', reason: p.reason };
  }
  const steps: Step[] = [first];
  if (!blind && missing.length > 0) pushStep(steps, partialOutage(current, first.value, missing));
  const value = () => (steps[steps.length - 1] as Step).value;
  const active = isActive(ctx);
  // Time with the activation metric out is not idle time: the idle clock neither starts nor resets.
  const idleSince = activationMissing ? state.idleSince : active ? undefined : (state.idleSince ?? input.now);

  // 2. Bounds: out of bounds goes straight to the bound, past every later rule.
  let recommendations = state.recommendations;
  const outside = outOfBounds(ctx);
  if (outside) steps.push(outside);
  else {
    pushStep(steps, clamp(ctx, value()));
    pushStep(steps, activation(ctx, value(), idleSince));
    // 3–5. Stabilization, cooldown, rate limit.
    const stabilized = stabilizationStep(ctx, value());
    recommendations = stabilized.history;
    pushStep(steps, stabilized.step);
    pushStep(steps, cooldown(ctx, value()));
    pushStep(steps, rateLimit(ctx, value()));
  }
  // 6. Modes.
  pushStep(steps, override(ctx));
  pushStep(steps, paused(ctx, value()));
  pushStep(steps, providerBackoff(ctx, value()));

  const to = value();
  const binding = steps.find((s) => s.value === to) as Step;
  let reason = binding === first ? first.reason : `${binding.reason} [policy: ${first.reason}]`;
  let code = binding.code;
  if (config.dryRun && to !== current) {
    code = 'dry-run';
    reason = `dry run, would scale ${current} → ${to}: ${reason}`;
  }
  const decision: Decision = {
    at: input.now,
    action: actionOf(current, to),
    from: current,
    to,
    desired: first.value,
    code,
    reason,
    metrics: input.metrics,
  };
  return { decision, state: { ...state, recommendations, outageTicks, idleSince } };
}

/** What every rule reads: the inputs, the current size, and [min, max] with the policy's bounds for `now` applied. */
function ruleContext(config: RuleConfig, state: ScalerState, input: DecideInput): RuleContext {
  const current = input.status.target;
  let b: PolicyBounds | undefined;
  try {
    b = config.policy.bounds?.(input.now);
  } catch {
    // Bounds that cannot be computed change nothing this tick: the configured min and max still hold.
    b = undefined;
  }
  const min = Math.min(Math.max(config.min, b?.min ?? 0), config.max);
  const max = Math.max(Math.min(config.max, b?.max ?? config.max), min);
  return { config, state, input, current, min, max, ...(b?.reason ? { boundsReason: b.reason } : {}) };
}

/**
 * Whether a move of one worker in `direction` would get through the rules that do not depend on the policy's
 * desire (bounds, cooldown, rate limit, override, pause, provider backoff) — the same functions `decide` runs, so
 * `snapshot().canScaleUp` and the next tick agree.
 */
export function canScale(config: RuleConfig, state: ScalerState, input: DecideInput, direction: 'up' | 'down'): boolean {
  const ctx = ruleContext(config, state, input);
  const { current } = ctx;
  let value = outOfBounds(ctx)?.value;
  if (value === undefined) {
    value = direction === 'up' ? current + 1 : current - 1;
    value = clamp(ctx, value)?.value ?? value;
    value = cooldown(ctx, value)?.value ?? value;
    value = rateLimit(ctx, value)?.value ?? value;
  }
  value = override(ctx)?.value ?? value;
  value = paused(ctx, value)?.value ?? value;
  value = providerBackoff(ctx, value)?.value ?? value;
  return direction === 'up' ? value > current : value < current;
}

function pushStep(steps: Step[], step: Step | undefined): void {
  if (step && step.value !== (steps[steps.length - 1] as Step).value) steps.push(step);
}

/** Records a scaling the provider carried out: it starts the cooldowns and counts toward the rate limits. */
export function recordScale(config: RuleConfig, state: ScalerState, at: number, from: number, to: number): ScalerState {
  if (to === from) return state;
  const keep = longestPeriod(config.rateLimit);
  const events = keep > 0 ? [...state.events.filter((e) => at - e.at < keep), { at, change: to - from }] : [];
  return {
    ...state,
    events,
    lastEventAt: at,
    ...(to > from ? { lastUpAt: at } : {}),
    failures: 0,
    retryAt: undefined,
  };
}

/** Records a failed `scaleTo`: the next try waits `baseMs × 2^(failures-1)`, at most `maxMs`. */
export function recordFailure(config: RuleConfig, state: ScalerState, at: number): ScalerState {
  const failures = state.failures + 1;
  const wait = Math.min(config.retry.maxMs, config.retry.baseMs * 2 ** (failures - 1));
  return { ...state, failures, retryAt: at + wait };
}

/** Clears the provider backoff after a scaleTo that worked, or when the desire no longer needs a call. */
export function clearFailures(state: ScalerState): ScalerState {
  return state.failures === 0 ? state : { ...state, failures: 0, retryAt: undefined };
}
