import type { DecisionCode } from '../decision.js';
import type { ResolvedOptions } from '../options.js';
import type { FleetStatus } from '../provider.js';

/** A past desire, kept for the stabilization windows. */
export interface Recommendation {
  at: number;
  value: number;
}

/** A scaling the provider carried out, kept for the rate limits. `change` is signed. */
export interface ScaleEvent {
  at: number;
  change: number;
}

/** What the rules remember between ticks. Bounded: nothing older than the longest window or period is kept. */
export interface ScalerState {
  recommendations: readonly Recommendation[];
  events: readonly ScaleEvent[];
  /** Last scale-up (own or reported by the provider). */
  lastUpAt?: number;
  /** Last scaling event of either direction. */
  lastEventAt?: number;
  /** Consecutive ticks with a metric outage. */
  outageTicks: number;
  /** Since when the activation metric has shown nothing to do (scale-to-zero). */
  idleSince?: number;
  /** Consecutive failed `scaleTo` calls, and when the next may be tried. */
  failures: number;
  retryAt?: number;
}

/** Manual modes set on a running Autoscaler. */
export interface Modes {
  paused?: 'all' | 'scaleIn' | 'scaleOut';
  override?: { replicas: number; until: number };
}

/** The part of the options the rules read. */
export type RuleConfig = Pick<
  ResolvedOptions,
  'policy' | 'min' | 'max' | 'activation' | 'stabilization' | 'cooldown' | 'rateLimit' | 'onMetricError' | 'dryRun' | 'retry'
>;

/** Everything one tick knows. */
export interface DecideInput {
  now: number;
  status: FleetStatus;
  /** Fresh readings. A key the policy needs and that is absent is an outage. */
  metrics: Readonly<Record<string, number>>;
  /** Why metrics are missing (failed sources, stale samples), for the reason sentence. */
  metricErrors?: readonly string[];
  modes?: Modes;
}

/** A rule's verdict: the size after it, the code that names it, and why. */
export interface Step {
  value: number;
  code: DecisionCode;
  reason: string;
}

/** What every rule sees. `min`/`max` include the policy's time-dependent bounds. */
export interface RuleContext {
  config: RuleConfig;
  state: ScalerState;
  input: DecideInput;
  current: number;
  min: number;
  max: number;
  boundsReason?: string;
}

/** The state of a new Autoscaler. */
export function initialState(): ScalerState {
  return { recommendations: [], events: [], outageTicks: 0, failures: 0 };
}

/** "12 s", "1.5 min". */
export function duration(ms: number): string {
  if (ms < 1000) return `${ms} ms`;
  if (ms < 120_000) return `${Math.round(ms / 100) / 10} s`;
  return `${Math.round(ms / 6000) / 10} min`;
}
