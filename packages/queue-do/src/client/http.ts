import { type FleetErrorCode, fleetError } from '@fleet/core';

/** How the client talks to the queue's API. */
export interface HttpSettings {
  base: string;
  token: string;
  timeoutMs: number;
  retries: number;
  retryDelayMs: number;
  fetch: typeof fetch;
  scope: string;
}

const SCOPE = 'queue-do';
// A wrong token is a configuration mistake of this client: invalid-options, not a transient failure.
const codes: Record<string, FleetErrorCode> = {
  'invalid-input': 'invalid-input',
  'lease-lost': 'lease-lost',
  // A body past its route's limit: the call's input (a batch of jobs) is too large for one request.
  'body-too-large': 'invalid-input',
  unauthorized: 'invalid-options',
};
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Worth another try: the network failed, the request timed out, or the platform answered 429 / 5xx. */
function transient(status: number | undefined): boolean {
  return status === undefined || status === 429 || status >= 500;
}

/**
 * Sends one API request, retrying transient failures with backoff. Only requests that are safe to repeat reach
 * here: every mutation carries an idempotency key, so a retry of a request that did land gets the first answer.
 */
export async function call<T>(s: HttpSettings, method: 'GET' | 'POST', action: string, body?: unknown, outer?: AbortSignal): Promise<T> {
  let lastError: unknown;
  for (let attempt = 0; attempt <= s.retries; attempt++) {
    outer?.throwIfAborted();
    if (attempt > 0) await sleep(Math.min(5_000, s.retryDelayMs * 2 ** (attempt - 1)) * (0.5 + Math.random() / 2));
    let status: number | undefined;
    try {
      const response = await s.fetch(`${s.base}/${action}`, {
        method,
        headers: { authorization: `Bearer ${s.token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: outer ? AbortSignal.any([outer, AbortSignal.timeout(s.timeoutMs)]) : AbortSignal.timeout(s.timeoutMs),
      });
      status = response.status;
      const text = await response.text();
      const parsed = parseAnswer(text);
      if (response.ok) return parsed as T;
      const error = (parsed as { error?: { code?: string; message?: string } } | undefined)?.error;
      const message = error?.message ?? `${method} /${action} answered ${status}: ${text.slice(0, 200)}`;
      const code = codes[error?.code ?? ''];
      // The object already prefixes its messages with [fleet] [queue-do].
      const clean = message.replace(/^\[fleet\] \[queue-do\] /, '');
      if (code) throw fleetError(SCOPE, code, `${s.scope}: ${clean}`);
      if (!transient(status)) throw fleetError(SCOPE, 'provider-failed', `${s.scope}: ${method} /${action} refused (${status}): ${clean}`);
      lastError = new Error(clean);
    } catch (error) {
      if ((error as { code?: unknown }).code !== undefined && (error as Error).message.startsWith('[fleet]')) throw error;
      if (outer?.aborted) throw fleetError(SCOPE, 'aborted', `${s.scope}: ${method} /${action} aborted`, outer.reason);
      lastError = error;
    }
  }
  const why = lastError instanceof Error ? lastError.message : String(lastError);
  const timedOut = lastError instanceof Error && lastError.name === 'TimeoutError';
  throw fleetError(
    SCOPE,
    timedOut ? 'timeout' : 'provider-failed',
    `${s.scope}: ${method} /${action} failed after ${s.retries + 1} tries: ${why}`,
    lastError,
  );
}

function parseAnswer(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
