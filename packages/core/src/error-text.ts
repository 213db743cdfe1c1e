import { FleetError, type FleetErrorCode } from './errors.js';
import { redactSecrets } from './redact.js';

/** Reads `value.message` when it is a non-empty string; a throwing getter or a Proxy trap reads as none. */
function messageOf(value: unknown): string | undefined {
  try {
    if (typeof value !== 'object' || value === null) return undefined;
    const message = (value as { message?: unknown }).message;
    return typeof message === 'string' && message.length > 0 ? message : undefined;
  } catch {
    return undefined;
  }
}

function stringOf(value: unknown): string {
  try {
    return String(value);
  } catch {
    // Object.create(null) has no toString, and a user's toString may throw: name the kind of value instead.
    return `a thrown ${value === null ? 'null' : typeof value} that cannot be printed`;
  }
}

/**
 * The text of any thrown value, for messages, reasons and logs: an Error's `message`, or the value as a string.
 * Never throws (a `toString` that throws, `Object.create(null)`, a Proxy), and redacts URL credentials and query
 * values ({@link redactSecrets}), so the result is safe to show on `/status`.
 */
export function errorText(value: unknown): string {
  return redactSecrets(messageOf(value) ?? stringOf(value));
}

function isError(value: unknown): value is Error {
  try {
    return value instanceof Error && typeof value.message === 'string';
  } catch {
    return false;
  }
}

/**
 * Converts any thrown value to an `Error`, once, where it is caught, with a message safe to show: an `Error` whose
 * message carries no secret is returned as it is; one whose message quotes URL credentials or query values is
 * wrapped in a {@link FleetError} with the redacted message, its own `code` if it has one, and itself as `cause`;
 * anything else becomes a FleetError with the given code, the value's {@link errorText} as message and the value as
 * `cause`.
 */
export function toError(value: unknown, scope: string, code: FleetErrorCode): Error {
  if (isError(value)) {
    const clean = redactSecrets(value.message);
    if (clean === value.message) return value;
    const own = (value as { code?: unknown }).code;
    return new FleetError(typeof own === 'string' ? (own as FleetErrorCode) : code, clean, { cause: value });
  }
  return new FleetError(code, `[fleet] [${scope}] ${errorText(value)}`, { cause: value });
}
