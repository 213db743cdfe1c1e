import { fleetError } from '@fleet/core';
import { SCOPE } from './engine-error.js';

/**
 * Runs one engine call bounded by `ms` and the caller's signal. The signal given to `fn` aborts the HTTP request
 * itself (dockerode's `abortSignal`), so nothing keeps running after a timeout.
 */
export async function bounded<T>(
  what: string,
  ms: number,
  outer: AbortSignal | undefined,
  fn: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  outer?.throwIfAborted();
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  const stopped = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const error = fleetError(SCOPE, 'timeout', `${what}: the Docker engine did not answer within ${ms} ms`);
      controller.abort(error);
      reject(error);
    }, ms);
    onAbort = () => {
      controller.abort(outer?.reason);
      reject(outer?.reason ?? fleetError(SCOPE, 'aborted', `${what}: aborted`));
    };
    outer?.addEventListener('abort', onAbort, { once: true });
  });
  try {
    const work = fn(controller.signal);
    work.catch(() => {}); // settles after a timeout too: nobody waits for it then
    return await Promise.race([work, stopped]);
  } finally {
    clearTimeout(timer);
    if (onAbort) outer?.removeEventListener('abort', onAbort);
    stopped.catch(() => {});
  }
}
