import type { Policy } from '@fleet/core';
import * as core from '@fleet/core';
import { withoutPrefix } from '../config-problems.js';
import { POLICY_TYPES, type TypedSpec } from '../config-schema.js';
import { bad, call, typeOf, unknownKeys, without } from './common.js';

/**
 * Builds a policy from `{ type, ...options }`; `combine` (`policies: [...]`) and `schedule` (`policy`, `windows`)
 * nest other policies. A FleetError `invalid-options` names every nested policy that is wrong. Policies are pure:
 * building one starts nothing.
 */
export function buildPolicy(spec: TypedSpec): Policy {
  const type = typeOf(spec, 'policy', POLICY_TYPES);
  const o = without(spec);
  switch (type) {
    case 'combine': {
      const { policies = [], ...rest } = o as { policies?: unknown };
      if (!Array.isArray(policies)) throw bad('policies: expected a list of policies [{ type, ... }]');
      const built = policies.map((p, i) => nested(p, `policies.${i}`));
      const failed = built.filter((b) => typeof b === 'string');
      if (failed.length > 0) throw bad(failed.join('; '));
      return core.combine(rest, ...(built as Policy[]));
    }
    case 'schedule': {
      const problems = unknownKeys(o, ['policy', 'windows']);
      const inner = nested(o.policy, 'policy');
      if (typeof inner === 'string') problems.unshift(inner);
      if (problems.length > 0) throw bad(problems.join('; '));
      return core.schedule(inner as Policy, o.windows as core.ScheduleWindow[]);
    }
    default:
      return call<Policy>(core as unknown as Record<string, unknown>, type, o);
  }
}

/** A nested policy, or the line that says why it cannot be built. */
function nested(spec: unknown, key: string): Policy | string {
  if (typeof spec !== 'object' || spec === null || Array.isArray(spec)) return `${key}: expected a policy { type, ... }`;
  try {
    return buildPolicy(spec as TypedSpec);
  } catch (error) {
    return `${key}: ${withoutPrefix(error)}`;
  }
}
