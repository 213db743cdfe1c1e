/** Which way a fleet was last scaled. */
export type ScaleDirection = 'up' | 'down';

/** What a provider reports about its fleet. */
export interface FleetStatus {
  /** The size asked for. This is the Autoscaler's *current size*: starting workers count as capacity. */
  target: number;
  /** Workers up and ready. */
  ready: number;
  /** Workers started but not ready yet. */
  starting?: number;
  /** The last scaling event the backend saw (ms since epoch), including scaling done by someone else. */
  lastScaledAt?: number;
  /** Direction of that event. Without it, only the down cooldown counts it. */
  lastScaleDirection?: ScaleDirection;
}

/** What a provider can do, so the Autoscaler and the conformance suite know its limits. */
export interface ProviderCapabilities {
  /** Whether `scaleTo(0)` is allowed. */
  scaleToZero: boolean;
  /** The largest size the backend supports, if any. */
  maxSize?: number;
}

/** Context passed with every `scaleTo`. */
export interface ScaleRequest {
  /** Why: the decision's human reason, for the backend's logs or annotations. */
  reason: string;
  /** Aborted when the Autoscaler's provider timeout expires. */
  signal: AbortSignal;
}

/**
 * Owns a fleet of workers (PM2 processes, containers, pods, threads).
 *
 * `scaleTo` must be idempotent and safe to call again after a failure; scale-in is graceful
 * (the stopped worker gets a signal and time to finish) and removes the newest workers first.
 */
export interface ScalingProvider {
  /** Shown in errors and decisions. */
  readonly name: string;
  /** @default { scaleToZero: false } */
  readonly capabilities?: ProviderCapabilities;
  /** Reads the fleet through the backend. */
  status(signal: AbortSignal): Promise<FleetStatus>;
  /**
   * Brings the fleet to `target` workers. Asking for the current size is a no-op.
   * @throws FleetError `invalid-input` for a target that is negative, not an integer, above `maxSize`,
   * or 0 without `scaleToZero`; nothing changes then.
   */
  scaleTo(target: number, request: ScaleRequest): Promise<void>;
  /** Releases connections. The fleet is left as it is. */
  close?(): Promise<void>;
}
