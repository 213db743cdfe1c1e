import type { Clock } from './clock.js';
import { fleetError } from './errors.js';

/**
 * Runs `fn` with an AbortSignal that fires after `ms` on `clock` (or when `outer` aborts),
 * and rejects with a `timeout` FleetError if `fn` has not settled by then. The timer is always cleared.
 */
export async function withTimeout<T>(
  clock: Clock,
  ms: number,
  what: string,
  fn: (signal: AbortSignal) => Promise<T>,
  outer?: AbortSignal,
): Promise<T> {
  const controller = new AbortController();
  let timer: unknown;
  const expired = new Promise<never>((_, reject) => {
    timer = clock.setTimeout(() => {
      const error = fleetError('core', 'timeout', `${what} timed out after ${ms} ms`);
      controller.abort(error);
      reject(error);
    }, ms);
  });
  const onOuterAbort = () => controller.abort(outer?.reason);
  outer?.addEventListener('abort', onOuterAbort, { once: true });
  try {
    return await Promise.race([fn(controller.signal), expired]);
  } finally {
    clock.clearTimeout(timer);
    outer?.removeEventListener('abort', onOuterAbort);
    expired.catch(() => {});
  }
}
