/**
 * Elects one Autoscaler among several copies of a service, so they do not fight over the fleet.
 * Implementations: PostgreSQL advisory lock, Kubernetes Lease, PM2 instance 0, a file lock, in-memory.
 */
export interface LeaderElector {
  /** This candidate's id. */
  readonly id: string;
  /**
   * Tries to become leader, or to stay leader (renewing its lease). Called once per tick.
   * Resolves `true` while this candidate leads. A failure counts as not leading. When `signal` aborts,
   * rejects with its reason (the Autoscaler then counts this tick as not leading).
   */
  campaign(signal: AbortSignal): Promise<boolean>;
  /** Gives leadership up at once, so another candidate can take over without waiting for expiry. */
  resign(): Promise<void>;
}
