import { type FleetError, fleetError } from '@fleet/core';

export const SCOPE = 'provider-k8s';

/** The permission an API call needs, named in errors so a 403 says what to add to the Role. */
export interface Permission {
  verb: 'get' | 'list' | 'patch' | 'create' | 'update';
  /** The resource, with its subresource: `deployments/scale`, `leases`. */
  resource: string;
  /** The API group: `apps`, `coordination.k8s.io`, `''` for the core group. */
  group: string;
  namespace: string;
  /** The object's name, when the call names one. */
  name?: string;
}

/** The HTTP status of a failed client-node call (its `ApiException` carries `code`), if it got an answer. */
export function statusOf(error: unknown): number | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'number' ? code : undefined;
}

/** The API server's own sentence from a `Status` body, when it sent one. */
function serverMessage(error: unknown): string {
  const body = (error as { body?: unknown } | null)?.body;
  if (typeof body === 'string') {
    try {
      return String((JSON.parse(body) as { message?: unknown }).message ?? body);
    } catch {
      return body;
    }
  }
  const message = (body as { message?: unknown } | null)?.message;
  return typeof message === 'string' ? message : error instanceof Error ? error.message : String(error);
}

const describe = (p: Permission) =>
  `${p.verb} ${p.resource}${p.group ? ` (API group "${p.group}")` : ''}${p.name ? ` "${p.name}"` : ''} in namespace "${p.namespace}"`;

/**
 * A FleetError for a failed API call, naming what was attempted. A 403 names the missing permission (verb,
 * resource, group, namespace) and points at the Role; 401 at the credentials; 404 at the object.
 */
export function apiError(what: string, permission: Permission, error: unknown): FleetError {
  // By name, not by `code`: node-fetch's errors carry a string `code` too (ECONNREFUSED).
  if ((error as { name?: unknown } | null)?.name === 'FleetError') return error as FleetError;
  const status = statusOf(error);
  const said = serverMessage(error);
  const message =
    status === 403
      ? `${what}: forbidden: missing permission to ${describe(permission)}; grant it in the Role bound to these ` +
        `credentials (see the RBAC manifest in the README). The API server said: ${said}`
      : status === 401
        ? `${what}: unauthorized: the API server rejected the credentials (token expired or wrong?): ${said}`
        : status === 404
          ? `${what}: not found: ${permission.resource.split('/')[0]} "${permission.name ?? ''}" in namespace "${permission.namespace}": ${said}`
          : status === undefined
            ? `${what}: the API server did not answer: ${said}`
            : `${what}: the API server answered ${status}: ${said}`;
  return fleetError(SCOPE, 'provider-failed', message, error);
}

/** Runs one API call, turning its failure into {@link apiError}. */
export async function callApi<T>(what: string, permission: Permission, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    throw apiError(what, permission, error);
  }
}
