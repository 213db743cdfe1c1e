import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  type DecisionCode,
  decide,
  initialState,
  type Policy,
  type RateLimitDirection,
  recordScale,
  type ScaleEvent,
  scaleDownLimit,
  scaleUpLimit,
  stabilize,
  targetTracking,
} from '../src/index.js';
import { parseAutoscalerOptions } from '../src/options.js';
import { fixedMetric, memoryProvider } from '../src/testing/index.js';

// Kubernetes' own HPA unit tests (replica_calculator_test.go, horizontal_test.go), transcribed as data with their
// source commit on every case; kept in the repo so a fresh clone replays them with nothing beside it.
const VECTORS = new URL('./fixtures/hpa-vectors.json', import.meta.url);

interface Source {
  test: string;
  case: string | null;
}
interface HpaRules {
  stabilization_window_s: number | null;
  select_policy: 'Max' | 'Min' | 'Disabled' | null;
  policies: Array<{ type: 'Pods' | 'Percent'; value: number; period_s: number }>;
}
interface HpaEvent {
  replica_change: number;
  seconds_ago: number;
}
interface Vector {
  kind: string;
  source: Source;
  skipped_in_source?: boolean;
  unsure?: boolean;
  [field: string]: unknown;
}
interface ReplicaCalc extends Vector {
  metric_source: 'object' | 'object_per_pod' | 'external' | 'external_per_pod' | 'pods';
  target_type: 'Value' | 'AverageValue';
  current_replicas: number;
  metric_values: number[];
  target: number;
  ready_pods: number;
  tolerance: number;
  expected_replicas: number;
}
interface RateLimitCase extends Vector {
  current_replicas: number;
  desired_replicas: number;
  min_replicas: number;
  max_replicas: number;
  scale_up_rules: HpaRules;
  scale_down_rules: HpaRules;
  scale_up_events: HpaEvent[];
  scale_down_events: HpaEvent[];
  expected_replicas: number;
  expected_condition: 'ScaleUpLimit' | 'ScaleDownLimit' | 'TooManyReplicas' | 'TooFewReplicas' | 'DesiredWithinRange';
}
interface StabilizationCase extends Vector {
  recommendations: Array<{ value: number; seconds_ago: number }>;
  current_replicas: number;
  desired_replicas: number;
  scale_up_stabilization_window_s: number;
  scale_down_stabilization_window_s: number;
  expected_replicas: number;
  expected_stored_recommendations?: number[] | null;
  expected_stored_count?: number | null;
}
interface LegacyStabilizationCase extends Vector {
  recommendations: Array<{ value: number; seconds_ago: number }>;
  desired_replicas: number;
  downscale_stabilization_window_s: number;
  expected_replicas: number;
  expected_log_length: number;
}
interface LimitCase extends Vector {
  current_replicas: number;
  scaling_rules: HpaRules;
  scale_up_events: HpaEvent[];
  scale_down_events: HpaEvent[];
  expected_limit: number;
}
interface LegacyRulesCase extends Vector {
  current_replicas: number;
  desired_replicas: number;
  min_replicas: number;
  max_replicas: number;
  expected_replicas: number;
  expected_condition: RateLimitCase['expected_condition'];
}
interface StoreEventCase extends Vector {
  prev_events: HpaEvent[];
  scaling_rules: HpaRules | null;
  behavior_present: boolean;
  period_s_for_change: number;
  expected_replicas_change_in_period: number;
  store_prev_replicas: number;
  store_replica_change: number;
  expected_events_after_store: Array<{ replica_change: number; outdated: boolean }>;
}

const file = JSON.parse(readFileSync(VECTORS, 'utf8')) as { hpa_replica_calc: Vector[]; hpa_behavior: Vector[] };
const all: Vector[] = [...file.hpa_replica_calc, ...file.hpa_behavior];
const ofKind = <T extends Vector>(kind: string) => all.filter((v) => v.kind === kind) as T[];
const nameOf = (v: Vector) => (v.source.case === null ? v.source.test : `${v.source.test} / ${v.source.case}`);

/**
 * Cases where our semantics deliberately differ from HPA's. Two HPA functions have no counterpart here:
 * storeScaleEvent (we prune events older than the longest period instead of overwriting the last outdated one)
 * and the legacy no-behavior rule convertDesiredReplicasWithRules (we have no scale-up limit factor). Their cases
 * are replayed through what we do instead, recordScale() and decide() without rate limits; those that agree are
 * asserted like any other, those that do not are listed here. `ours` pins what we answer, so the table cannot go
 * stale: a listed case must still differ from HPA's expectation and still give exactly `ours`.
 */
const DIFFERENCES: Record<string, { reason: string; ours: unknown }> = {
  'TestScalingWithRules / maxReplicas is the limit because maxReplicas < scaleUpLimit': {
    reason: "current 20 is above max 10: we name it 'out-of-bounds' (rule 2a, straight to the bound), not 'at-max'",
    ours: { replicas: 10, condition: 'out-of-bounds' },
  },
  'TestConvertDesiredReplicasWithRules / maxReplicas is the limit because maxReplicas < scaleUpLimit': {
    reason: "current 20 is above max 10: we name it 'out-of-bounds' (rule 2a, straight to the bound), not 'at-max'",
    ours: { replicas: 10, condition: 'out-of-bounds' },
  },
  'TestConvertDesiredReplicasWithRules / scaleUpLimit is the limit because scaleUpLimit < maxReplicas': {
    reason: 'no legacy scale-up limit (max(factor × current, 4)) without rate limits: only rateLimit limits the rate',
    ours: { replicas: 1000, condition: 'within-range' },
  },
  'TestStoreScaleEvents / one outdated entry to be kept untouched without behavior': {
    reason: 'without rate limits we keep no events at all (nothing reads them); HPA leaves the old list untouched',
    ours: { changeInPeriod: 0, events: [] },
  },
  'TestStoreScaleEvents / two entries, one of them to be replaced': {
    reason: 'we prune events older than the longest period and append, HPA overwrites the last outdated one in place',
    ours: {
      changeInPeriod: 6,
      events: [
        { replica_change: 6, outdated: false },
        { replica_change: 5, outdated: false },
      ],
    },
  },
  'TestStoreScaleEvents / replace one entry, use policies with different periods': {
    reason: 'we prune every event older than the longest period, HPA replaces only the last outdated one',
    ours: {
      changeInPeriod: 14,
      events: [
        { replica_change: 8, outdated: false },
        { replica_change: 6, outdated: false },
        { replica_change: 5, outdated: false },
      ],
    },
  },
};

/** Compares our answer with HPA's, or, for a listed difference, checks it still differs and still gives `ours`. */
function check(name: string, ours: unknown, hpa: unknown): void {
  const difference = DIFFERENCES[name];
  if (!difference) {
    expect(ours).toEqual(hpa);
    return;
  }
  expect(ours, 'listed in DIFFERENCES but now agrees with HPA: remove it from the table').not.toEqual(hpa);
  expect(ours, 'our documented answer changed: update DIFFERENCES').toEqual(difference.ours);
}

/** One `it` per vector, named after its upstream test and case, with the difference's reason when listed. */
function vectorIt<T extends Vector>(v: T, run: (v: T, name: string) => void): void {
  const name = nameOf(v);
  const notes = [
    v.skipped_in_source ? 'not asserted upstream' : '',
    v.unsure ? 'upstream expectation is not a literal' : '',
    DIFFERENCES[name] ? `differs by design: ${DIFFERENCES[name].reason}` : '',
  ].filter(Boolean);
  it(notes.length ? `${name} [${notes.join('; ')}]` : name, () => run(v, name));
}

const NOW = Date.UTC(2026, 0, 1);
const ago = (seconds: number) => NOW - seconds * 1000;

/** HPA's rules as our rate limit: Pods → workers, Percent → percent, Max/Min/Disabled → max/min/disabled. */
function rateLimitOf(rules: HpaRules): RateLimitDirection {
  const select = rules.select_policy === 'Min' ? 'min' : rules.select_policy === 'Disabled' ? 'disabled' : 'max';
  return {
    select,
    limits: rules.policies.map((p) =>
      p.type === 'Pods' ? { workers: p.value, periodMs: p.period_s * 1000 } : { percent: p.value, periodMs: p.period_s * 1000 },
    ),
  };
}

/** HPA keeps scale-up and scale-down events apart; ours are one list with a signed change. */
function eventsOf(up: readonly HpaEvent[], down: readonly HpaEvent[]): ScaleEvent[] {
  return [
    ...up.map((e) => ({ at: ago(e.seconds_ago), change: e.replica_change })),
    ...down.map((e) => ({ at: ago(e.seconds_ago), change: -e.replica_change })),
  ].sort((a, b) => a.at - b.at);
}

/** A policy that proposes HPA's pre-normalized desired replicas. */
function proposes(desired: number): Policy {
  return { name: 'hpa', keys: [], propose: () => ({ desired, reason: `HPA recommends ${desired}` }) };
}

/** Options as a user would write them, validated and defaulted like the Autoscaler does. */
function configOf(desired: number, min: number, max: number, rateLimit: { up?: RateLimitDirection; down?: RateLimitDirection }) {
  return parseAutoscalerOptions({
    metrics: fixedMetric({}),
    provider: memoryProvider(),
    policy: proposes(desired),
    min,
    max,
    // HPA's rate step has no cooldown; its stabilization is a separate step (the `stabilization` vectors).
    cooldown: { up: 0, down: 0 },
    stabilization: { up: 0, down: 0 },
    rateLimit,
  });
}

const CONDITIONS: Record<RateLimitCase['expected_condition'], string> = {
  ScaleUpLimit: 'rate-limited',
  ScaleDownLimit: 'rate-limited',
  TooManyReplicas: 'at-max',
  TooFewReplicas: 'at-min',
  DesiredWithinRange: 'within-range',
};

/** Our decision code in HPA's terms; a code HPA has no name for is kept as is, so it shows as a difference. */
function conditionOf(code: DecisionCode): string {
  if (code === 'rate-limited' || code === 'at-max' || code === 'at-min') return code;
  if (code === 'policy' || code === 'within-tolerance') return 'within-range';
  return code;
}

/** Runs one tick of `decide()` on a fleet of `current` whose policy wants `desired`. */
function decideOnce(
  current: number,
  desired: number,
  min: number,
  max: number,
  rateLimit: { up?: RateLimitDirection; down?: RateLimitDirection },
  events: ScaleEvent[],
) {
  const config = configOf(desired, min, max, rateLimit);
  const state = { ...initialState(), events };
  const { decision } = decide(config, state, { now: NOW, status: { target: current, ready: current }, metrics: {} });
  return { replicas: decision.to, condition: conditionOf(decision.code) };
}

describe('HPA vectors: the file', () => {
  it('is found beside the checkout and every case has a unique name and a kind replayed below', () => {
    const kinds = [
      'replica_calc',
      'rate_limit',
      'stabilization',
      'stabilization_legacy',
      'scale_up_limit',
      'scale_down_limit',
      'store_scale_event',
      'convert_rules_legacy',
    ];
    expect(all.length).toBeGreaterThan(0);
    expect(all.filter((v) => !kinds.includes(v.kind)).map(nameOf)).toEqual([]);
    const names = all.map(nameOf);
    expect(names.filter((n, i) => names.indexOf(n) !== i)).toEqual([]);
  });

  it('DIFFERENCES names only cases that exist', () => {
    const names = new Set(all.map(nameOf));
    expect(Object.keys(DIFFERENCES).filter((n) => !names.has(n))).toEqual([]);
  });
});

// expected_usage is not asserted: policies return a size and a reason, we do not report HPA's usage figure.
describe('HPA vectors: replica_calc → targetTracking().propose()', () => {
  for (const v of ofKind<ReplicaCalc>('replica_calc')) {
    vectorIt(v, (v, name) => {
      const sum = v.metric_values.reduce((a, b) => a + b, 0);
      const base = { metric: 'm', tolerance: v.tolerance };
      let policy: Policy;
      let value: number;
      let current = v.current_replicas;
      if (v.metric_source === 'pods') {
        // Pods metrics: HPA averages per pod with integer division and scales the pod count.
        policy = targetTracking({ ...base, targetValue: v.target });
        value = Math.floor(sum / v.metric_values.length);
        current = v.metric_values.length;
      } else if (v.metric_source === 'object' || v.metric_source === 'external') {
        // Object / External Value: ratio of the total to the target, times the ready pods.
        policy = targetTracking({ ...base, targetValue: v.target, basis: 'ready' });
        value = sum;
      } else {
        // Per-pod Object / External (AverageValue): ceil(total / target per pod).
        policy = targetTracking({ ...base, averageValue: v.target });
        value = sum;
      }
      const proposal = policy.propose({ metrics: { m: value }, current, ready: v.ready_pods, starting: 0, now: NOW });
      check(name, { replicas: proposal.desired }, { replicas: v.expected_replicas });
    });
  }
});

describe('HPA vectors: rate_limit → decide() with rateLimit (convertDesiredReplicasWithBehaviorRate)', () => {
  for (const v of ofKind<RateLimitCase>('rate_limit')) {
    vectorIt(v, (v, name) => {
      const rateLimit = { up: rateLimitOf(v.scale_up_rules), down: rateLimitOf(v.scale_down_rules) };
      const events = eventsOf(v.scale_up_events, v.scale_down_events);
      const ours = decideOnce(v.current_replicas, v.desired_replicas, v.min_replicas, v.max_replicas, rateLimit, events);
      check(name, ours, { replicas: v.expected_replicas, condition: CONDITIONS[v.expected_condition] });
    });
  }
});

describe('HPA vectors: convert_rules_legacy → decide() without rate limits (HPA without behavior)', () => {
  for (const v of ofKind<LegacyRulesCase>('convert_rules_legacy')) {
    vectorIt(v, (v, name) => {
      const ours = decideOnce(v.current_replicas, v.desired_replicas, v.min_replicas, v.max_replicas, {}, []);
      check(name, ours, { replicas: v.expected_replicas, condition: CONDITIONS[v.expected_condition] });
    });
  }
});

describe('HPA vectors: scale_up_limit / scale_down_limit → scaleUpLimit() / scaleDownLimit()', () => {
  for (const v of [...ofKind<LimitCase>('scale_up_limit'), ...ofKind<LimitCase>('scale_down_limit')]) {
    vectorIt(v, (v, name) => {
      const limitOf = v.kind === 'scale_up_limit' ? scaleUpLimit : scaleDownLimit;
      const events = eventsOf(v.scale_up_events, v.scale_down_events);
      const limit = limitOf(v.current_replicas, rateLimitOf(v.scaling_rules), events, NOW);
      check(name, { limit }, { limit: v.expected_limit });
    });
  }
});

describe('HPA vectors: stabilization → stabilize() (stabilizeRecommendationWithBehaviors)', () => {
  for (const v of ofKind<StabilizationCase>('stabilization')) {
    vectorIt(v, (v, name) => {
      const history = v.recommendations.map((r) => ({ at: ago(r.seconds_ago), value: r.value }));
      const windows = {
        up: v.scale_up_stabilization_window_s * 1000,
        down: v.scale_down_stabilization_window_s * 1000,
      };
      const result = stabilize(v.current_replicas, v.desired_replicas, history, windows, NOW);
      const ours: Record<string, unknown> = { replicas: result.value };
      const hpa: Record<string, unknown> = { replicas: v.expected_replicas };
      // Some cases do not assert what is stored (null upstream).
      if (v.expected_stored_recommendations) {
        ours.stored = result.history.map((r) => r.value);
        hpa.stored = v.expected_stored_recommendations;
      }
      if (typeof v.expected_stored_count === 'number') {
        ours.storedCount = result.history.length;
        hpa.storedCount = v.expected_stored_count;
      }
      check(name, ours, hpa);
    });
  }
});

describe('HPA vectors: stabilization_legacy → stabilize() with only a down window (stabilizeRecommendation)', () => {
  for (const v of ofKind<LegacyStabilizationCase>('stabilization_legacy')) {
    vectorIt(v, (v, name) => {
      const history = v.recommendations.map((r) => ({ at: ago(r.seconds_ago), value: r.value }));
      // The legacy function has no current size: it returns the highest desire in the window. A current at or above
      // every value makes ours return the same (min(max(current, desired), highest) = highest).
      const current = Math.max(v.desired_replicas, ...v.recommendations.map((r) => r.value));
      const windows = { up: 0, down: v.downscale_stabilization_window_s * 1000 };
      const result = stabilize(current, v.desired_replicas, history, windows, NOW);
      check(
        name,
        { replicas: result.value, storedCount: result.history.length },
        { replicas: v.expected_replicas, storedCount: v.expected_log_length },
      );
    });
  }
});

describe('HPA vectors: store_scale_event → recordScale() (storeScaleEvent)', () => {
  for (const v of ofKind<StoreEventCase>('store_scale_event')) {
    vectorIt(v, (v, name) => {
      // Upstream runs the table as a scale-up (10 → 15) and as a scale-down (10 → 5) with the same expectations.
      const observe = (sign: 1 | -1) => {
        const rules = v.scaling_rules && v.behavior_present ? rateLimitOf(v.scaling_rules) : undefined;
        const config = configOf(0, 0, 1000, sign > 0 ? { up: rules } : { down: rules });
        const prev = v.prev_events.map((e) => ({ at: ago(e.seconds_ago), change: sign * e.replica_change }));
        const from = v.store_prev_replicas;
        // HPA's getReplicasChangePerPeriod: a zero-size limit proposes the period's start, current minus the change.
        const sumRule: RateLimitDirection = {
          select: 'max',
          limits: [{ workers: 0, periodMs: v.period_s_for_change * 1000 }],
        };
        const start = (sign > 0 ? scaleUpLimit : scaleDownLimit)(from, sumRule, prev, NOW);
        const state = recordScale(config, { ...initialState(), events: prev }, NOW, from, from + sign * v.store_replica_change);
        const longest = Math.max(0, ...(rules?.limits ?? []).map((l) => l.periodMs));
        return {
          changeInPeriod: Math.abs(from - start),
          events: state.events.map((e) => ({ replica_change: Math.abs(e.change), outdated: NOW - e.at >= longest })),
        };
      };
      const up = observe(1);
      expect(observe(-1), 'the scale-down run answers like the scale-up run').toEqual(up);
      check(name, up, { changeInPeriod: v.expected_replicas_change_in_period, events: v.expected_events_after_store });
    });
  }
});
