import type { z } from 'zod';
import { unknownKeyText } from './did-you-mean.js';
import { OptionShape, valueAt } from './option-shape.js';
import { redactSecrets } from './redact.js';

/** Every error code `@fleet` packages throw or emit. Check `err.code`, not `instanceof`: two installed copies of core still agree. */
export type FleetErrorCode =
  | 'invalid-options'
  | 'invalid-input'
  | 'lease-lost'
  | 'timeout'
  | 'aborted'
  | 'job-failed'
  | 'metric-failed'
  | 'provider-failed'
  | 'not-supported';

/** An error with a stable `code`, a message prefixed with the package (`[fleet] [core] …`) and the original `cause`. */
export class FleetError extends Error {
  override readonly name = 'FleetError';
  readonly code: FleetErrorCode;

  constructor(code: FleetErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

/** True when `error` carries the given `@fleet` error code (works across copies of the package). */
export function isFleetError(error: unknown, code?: FleetErrorCode): error is FleetError {
  if (typeof error !== 'object' || error === null) return false;
  const actual = (error as { code?: unknown }).code;
  return typeof actual === 'string' && (code === undefined || actual === code);
}

/** Builds a `[fleet] [scope] message` error; URL credentials and query values in `message` are redacted. */
export function fleetError(scope: string, code: FleetErrorCode, message: string, cause?: unknown): FleetError {
  return new FleetError(code, `[fleet] [${scope}] ${redactSecrets(message)}`, cause === undefined ? undefined : { cause });
}

/**
 * Describes a value for an error message: `-5 (number)`, `"x" (string)`. With `hidden`, the value itself is never
 * shown, only its kind: `(a string of 7 characters, hidden)`.
 */
export function describeValue(value: unknown, options: { hidden?: boolean } = {}): string {
  if (value === undefined) return 'undefined';
  if (value === null) return 'null';
  if (typeof value === 'function') return 'a function';
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (typeof value === 'object') return 'an object';
  if (options.hidden) {
    return typeof value === 'string' ? `(a string of ${value.length} characters, hidden)` : `(a ${typeof value}, hidden)`;
  }
  if (typeof value === 'symbol') return `${String(value)} (symbol)`;
  if (typeof value === 'bigint') return `${value}n (bigint)`;
  if (typeof value === 'number' && !Number.isFinite(value)) return `${value} (number)`;
  return `${JSON.stringify(value)} (${typeof value})`;
}

/** Option keys whose values are secrets wherever they appear: `token`, `adminToken`, `headers.authorization`, … */
const SECRET_KEY = /token|secret|password|api[-_]?key|authorization|connection[-_]?string/i;

/**
 * Whether the value at `path` must not be quoted: a key on the path names a secret, or the value carries one (a URL
 * with credentials or query values, which {@link redactSecrets} would change).
 */
function isSecret(path: readonly PropertyKey[], value: unknown): boolean {
  if (path.some((key) => typeof key === 'string' && SECRET_KEY.test(key))) return true;
  return typeof value === 'string' && redactSecrets(value) !== value;
}

/** zod's own wording for a type mismatch; a schema's custom message says more and is kept. */
const ZOD_DEFAULT = /^Invalid input\b/;

/** "a number", "an object": zod's `expected` with its article. */
const withArticle = (kind: string) => `${/^[aeiou]/.test(kind) ? 'an' : 'a'} ${kind}`;

/** What a missing key should hold, in the words of the schema's own message when it has one. */
function expectedText(issue: z.core.$ZodIssue, described: string | undefined): string {
  if (issue.code === 'invalid_union') {
    if (described !== undefined) return described;
    // Each branch's complaint about the value itself; one about a field inside it would not say what the value is.
    const branches = issue.errors.map((errors) => errors.find((e) => e.path.length === 0));
    if (!ZOD_DEFAULT.test(issue.message) || branches.some((b) => b === undefined)) return issue.message;
    return [...new Set(branches.map((b) => expectedText(b as z.core.$ZodIssue, undefined)))].join(' or ');
  }
  if (!ZOD_DEFAULT.test(issue.message)) return issue.message.replace(/^expected /, '');
  if (issue.code === 'invalid_type') return described ?? withArticle(issue.expected);
  return described ?? issue.message;
}

/** A required key left out: nothing at the path, in an object that does not hold the key. */
function isMissing(issue: z.core.$ZodIssue, input: unknown, shapeOf: () => OptionShape | undefined): boolean {
  if (issue.path.length === 0 || !['invalid_type', 'custom', 'invalid_union'].includes(issue.code)) return false;
  const parent = valueAt(input, issue.path.slice(0, -1));
  if (typeof parent !== 'object' || parent === null || valueAt(parent, issue.path.slice(-1)) !== undefined) return false;
  // A refinement's issue may sit on a key left out for its default (min above max): that key is not missing.
  return shapeOf()?.isRequired(issue.path, input) ?? issue.code === 'invalid_type';
}

/**
 * Parses `input` with a zod schema. On failure throws a FleetError `invalid-options` whose message names
 * every offending path, what was expected, and what was given, e.g.
 * `[fleet] [core] invalid Autoscaler options: cooldown.down: Too small: expected number to be >=0, got -5 (number)`.
 * A secret's value is never quoted, only its kind (`token: …, got (a string of 7 characters, hidden)`): a value is
 * secret when a key on its path matches `token`, `secret`, `password`, `api_key`/`apiKey`, `authorization` or
 * `connectionString` (any case), or when it is a string that carries URL credentials or query values.
 */
export function parseWith<S extends z.ZodType>(
  schema: S,
  input: unknown,
  scope: string,
  what: string,
  code: FleetErrorCode = 'invalid-options',
): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  // Read only when an issue needs it: a key left out or a key not known.
  let shape: { of: OptionShape | undefined } | undefined;
  const shapeOf = () => {
    shape ??= { of: OptionShape.of(schema) };
    return shape.of;
  };
  const lines = result.error.issues.flatMap((issue) => {
    const path = issue.path.length > 0 ? `${issue.path.map(String).join('.')}: ` : '';
    if (issue.code === 'unrecognized_keys') {
      const known = shapeOf()?.keysAt(issue.path, input) ?? [];
      return issue.keys.map((key) => `${path}${unknownKeyText(key, known)}`);
    }
    if (isMissing(issue, input, shapeOf)) return [`${path}required, ${expectedText(issue, shapeOf()?.describeAt(issue.path, input))}`];
    // A value of the wrong type, or one no branch of a union takes: what the option takes, in words ("a number > 0"),
    // and what was given. A union whose branches cannot be put in words keeps zod's message.
    if (issue.code === 'invalid_type' || (issue.code === 'invalid_union' && ZOD_DEFAULT.test(issue.message))) {
      const expected = expectedText(issue, shapeOf()?.describeAt(issue.path, input));
      const value = valueAt(input, issue.path);
      if (issue.code === 'invalid_type' || expected !== issue.message)
        return [`${path}expected ${expected}, got ${describeValue(value, { hidden: isSecret(issue.path, value) })}`];
    }
    const quoted = issue.code === 'custom' || issue.code === 'too_small' || issue.code === 'too_big';
    const value = quoted ? valueAt(input, issue.path) : undefined;
    const given = quoted ? `, got ${describeValue(value, { hidden: isSecret(issue.path, value) })}` : '';
    return `${path}${issue.message}${given}`;
  });
  throw fleetError(scope, code, `invalid ${what}: ${lines.join('; ')}`, result.error);
}
