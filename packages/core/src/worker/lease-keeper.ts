import type { Clock, TimerHandle } from '../clock.js';
import { fleetError, isFleetError } from '../errors.js';
import type { ClaimQueue, JobLease } from '../queue.js';

/** Options of {@link keepLease}. */
export interface LeaseKeeperOptions {
  queue: Pick<ClaimQueue, 'extend'>;
  clock: Clock;
  job: JobLease & { leaseUntil: number };
  leaseMs: number;
  /** The lease is gone (the queue said `lease-lost`, or it ran out while extends kept failing). Called once. */
  onLost: (error: unknown) => void;
  /** An extend failed for another reason; the keeper tries again at the next interval. */
  onError: (error: unknown) => void;
}

/**
 * Extends a job's lease every `leaseMs / 2` until stopped, so a long handler keeps its job.
 * Returns `stop`, which cancels the timer (an extend already in flight is ignored).
 */
export function keepLease(o: LeaseKeeperOptions): () => void {
  let stopped = false;
  let timer: TimerHandle | undefined;
  let leaseUntil = o.job.leaseUntil;
  const lost = (error: unknown) => {
    stopped = true;
    o.onLost(error);
  };
  const renew = async () => {
    timer = undefined;
    try {
      leaseUntil = await o.queue.extend(o.job, o.leaseMs);
    } catch (error) {
      if (stopped) return;
      if (isFleetError(error, 'lease-lost')) return lost(error);
      o.onError(error);
      // Extends keep failing and the lease we know of has run out: another worker may hold the job now.
      if (o.clock.now() >= leaseUntil) {
        return lost(fleetError('core', 'lease-lost', `job ${o.job.id}: its lease ran out while extend kept failing`, error));
      }
    }
    if (!stopped) timer = o.clock.setTimeout(renew, o.leaseMs / 2);
  };
  timer = o.clock.setTimeout(renew, o.leaseMs / 2);
  return () => {
    stopped = true;
    if (timer !== undefined) o.clock.clearTimeout(timer);
    timer = undefined;
  };
}
