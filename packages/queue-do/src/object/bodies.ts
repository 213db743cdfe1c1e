import { z } from 'zod';
import { QueueError } from './errors.js';

/** Limits of the HTTP API; a Durable Object row holds at most 2 MB. */
export interface BodyLimits {
  /** Largest payload as JSON text, in UTF-8 bytes. */
  maxPayloadBytes: number;
  /** Most jobs one claim may take. */
  maxClaim: number;
}

const id = z.string().regex(/^[1-9][0-9]{0,15}$/, 'expected a job id as the queue gave it (digits)');
const token = z.string().min(1, 'expected a non-empty lease token').max(64);
/** An idempotency key: a retried request with the same key gets the first answer. */
const requestId = z.string().min(1).max(128).optional();
const hasPayload = (job: unknown) => typeof job === 'object' && job !== null && 'payload' in job;

const job = z
  .strictObject({
    payload: z.unknown(),
    priority: z
      .number()
      .int()
      .min(-(2 ** 31))
      .max(2 ** 31 - 1)
      .optional(),
    runAt: z.number().finite().optional(),
    maxAttempts: z.number().int().min(1).max(1_000_000).optional(),
    dedupKey: z.string().min(1).max(512).optional(),
  })
  .refine(hasPayload, { message: 'expected a JSON value', path: ['payload'] });

/** The longest `POST /wait` the object holds open, in ms: below the platform's and proxies' idle limits. */
export const MAX_WAIT_MS = 30_000;

const built = new WeakMap<BodyLimits, ReturnType<typeof buildSchemas>>();

/** The body schemas for the given limits, built once per limits object instead of on every request. */
export function bodySchemas(limits: BodyLimits): ReturnType<typeof buildSchemas> {
  let schemas = built.get(limits);
  if (!schemas) {
    schemas = buildSchemas(limits);
    built.set(limits, schemas);
  }
  return schemas;
}

function buildSchemas(limits: BodyLimits) {
  return {
    enqueue: z.strictObject({ jobs: z.array(job).min(1, 'expected at least one job').max(10_000), requestId }),
    claim: z.strictObject({
      workerId: z.string().min(1, 'expected a non-empty worker id').max(256),
      max: z.number().int().min(1).max(limits.maxClaim).optional(),
      leaseMs: z
        .number()
        .finite()
        .positive()
        .max(7 * 24 * 3_600_000)
        .optional(),
      requestId,
    }),
    complete: z.strictObject({ id, token, requestId }),
    completeBatch: z.strictObject({
      jobs: z.array(z.strictObject({ id, token })).min(1, 'expected at least one job').max(limits.maxClaim),
      requestId,
    }),
    fail: z.strictObject({
      id,
      token,
      error: z.string().max(65_536).optional(),
      retryInMs: z.number().finite().min(0).optional(),
      requestId,
    }),
    wait: z.strictObject({ timeoutMs: z.number().finite().min(0).max(MAX_WAIT_MS) }),
    listDead: z.strictObject({
      limit: z.number().int().min(1).max(1_000).optional(),
      offset: z.number().int().min(0).optional(),
    }),
    requeueDead: z.strictObject({ ids: z.array(id).max(10_000).optional(), requestId }),
    extend: z.strictObject({
      id,
      token,
      leaseMs: z
        .number()
        .finite()
        .positive()
        .max(7 * 24 * 3_600_000),
      requestId,
    }),
  };
}

function describe(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (value !== null && typeof value === 'object') return 'an object';
  return `${JSON.stringify(value)} (${value === null ? 'null' : typeof value})`;
}

function at(input: unknown, path: readonly PropertyKey[]): unknown {
  let here = input;
  for (const key of path) here = here !== null && typeof here === 'object' ? (here as Record<PropertyKey, unknown>)[key] : undefined;
  return here;
}

/** Each bad field of a failed parse, what was expected and what came: `max: Too small: …, got 0 (number)`. */
export function describeIssues(error: z.ZodError, input: unknown): string {
  const problems = error.issues.map((issue) => {
    const path = issue.path.map(String).join('.');
    const given = issue.code === 'unrecognized_keys' ? '' : `, got ${describe(at(input, issue.path))}`;
    return `${path ? `${path}: ` : ''}${issue.message}${given}`;
  });
  return problems.join('; ');
}

/** Parses a request body, or throws `invalid-input` naming each bad field, what was expected and what came. */
export function parseBody<S extends z.ZodType>(schema: S, input: unknown, route: string): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  throw new QueueError('invalid-input', `invalid ${route} body: ${describeIssues(result.error, input)}`);
}

const encoder = new TextEncoder();

/** The payload as JSON text, or `invalid-input` when it exceeds `maxBytes` (checked before anything is written). */
export function payloadText(payload: unknown, maxBytes: number, field: string): string {
  const text = JSON.stringify(payload);
  // UTF-16 length × 3 bounds the UTF-8 size, so most payloads skip the encoder.
  const bytes = text.length * 3 <= maxBytes ? text.length : encoder.encode(text).byteLength;
  if (bytes > maxBytes) {
    throw new QueueError(
      'invalid-input',
      `${field}: the payload is ${bytes} bytes of JSON, more than the ${maxBytes} a job may hold (a Durable Object row holds at most 2 MB)`,
    );
  }
  return text;
}
