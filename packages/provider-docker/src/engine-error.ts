import { type FleetError, fleetError, isFleetError } from '@fleet/core';

export const SCOPE = 'provider-docker';

/** What dockerode's modem puts on a failed request (HTTP status and the engine's JSON), or a socket error. */
interface EngineFailure {
  statusCode?: number;
  json?: { message?: string } | string | null;
  reason?: string;
  code?: string;
  address?: string;
  message?: string;
}

/** The engine's own message (`No such image: x:1`), without dockerode's `(HTTP code 404) …` wrapper. */
export function engineMessage(error: unknown): string {
  const e = (error ?? {}) as EngineFailure;
  if (typeof e.json === 'object' && e.json?.message) return e.json.message;
  if (typeof e.json === 'string' && e.json.trim()) return e.json.trim();
  return e.message ?? String(error);
}

/** The HTTP status the engine answered with, if it answered. */
export const statusOf = (error: unknown): number | undefined => (error as EngineFailure | null)?.statusCode;

/**
 * Turns a failed engine call into a FleetError `provider-failed` a person can act on: an unreachable socket says
 * where it looked, a missing image says how to get it. FleetErrors (timeouts, aborts) pass through.
 */
export function engineError(what: string, error: unknown, where: string, image?: string): FleetError {
  if (isFleetError(error) && String((error as Error).message).startsWith('[fleet]')) return error as FleetError;
  const e = (error ?? {}) as EngineFailure;
  const message = engineMessage(error);
  if (e.code === 'ECONNREFUSED' || e.code === 'ENOENT' || e.code === 'ECONNRESET' || e.code === 'EPIPE') {
    return fleetError(
      SCOPE,
      'provider-failed',
      `${what}: cannot reach the Docker engine at ${where} (${e.code}); is dockerd running?`,
      error,
    );
  }
  if (e.code === 'EACCES') {
    return fleetError(
      SCOPE,
      'provider-failed',
      `${what}: no permission on the Docker socket ${where} (EACCES): join the docker group or run as root`,
      error,
    );
  }
  if (e.statusCode === 404 && /no such image/i.test(message)) {
    const name = image ?? message.replace(/^.*no such image:\s*/i, '');
    return fleetError(
      SCOPE,
      'provider-failed',
      `${what}: the image ${name} is not on the Docker engine at ${where}: run \`docker pull ${name}\` (or \`docker load\` it) first`,
      error,
    );
  }
  const status = e.statusCode ? ` (HTTP ${e.statusCode})` : '';
  return fleetError(SCOPE, 'provider-failed', `${what}: the Docker engine at ${where} answered${status}: ${message}`, error);
}
