import type { Clock, TimerHandle } from '../clock.js';
import { type FleetError, fleetError } from '../errors.js';
import { formatMs } from './options.js';

/** A running job's time limit: `expired` resolves with the `timeout` error once it passes, unless cancelled first. */
export interface JobTimeLimit {
  readonly expired: Promise<FleetError>;
  /** Clears the timer; `expired` then never resolves. Idempotent. */
  cancel(): void;
}

/**
 * Starts the time limit (`limitMs` > 0) of one job on the worker's clock (a FakeClock in tests), so a handler that
 * never returns cannot hold its job, its lease and its slot forever.
 */
export function startJobTimeLimit(clock: Clock, limitMs: number, workerId: string, jobId: string): JobTimeLimit {
  let timer: TimerHandle | undefined;
  const expired = new Promise<FleetError>((resolve) => {
    timer = clock.setTimeout(() => {
      timer = undefined;
      const limit = `jobTimeoutMs (${formatMs(limitMs)})`;
      resolve(
        fleetError('core', 'timeout', `worker ${workerId}: job ${jobId} ran longer than its limit, ${limit}; its handler was aborted`),
      );
    }, limitMs);
  });
  return {
    expired,
    cancel: () => {
      if (timer !== undefined) clock.clearTimeout(timer);
      timer = undefined;
    },
  };
}
