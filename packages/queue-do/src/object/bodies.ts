import { z } from 'zod';
import { OBJECT_LIMITS } from './queue-limits.js';

/** Limits of the HTTP API; a Durable Object row holds at most 2 MB. */
export interface BodyLimits {
  /** Largest payload as JSON text, in UTF-8 bytes. */
  maxPayloadBytes: number;
  /** Most jobs one claim may take. */
  maxClaim: number;
  /** Largest `POST /enqueue` body, in bytes. */
  maxEnqueueBytes: number;
}

// The bounds are core's (see `OBJECT_LIMITS`), so the Node client and the object refuse the same values; every
// value is checked here, before anything is written, since the object's HTTP API is public.
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;
/** Text SQLite stores as it came: no NUL, no lone surrogate (neither survives the trip to UTF-8 and back). */
const text = (what: string, max: number) =>
  z
    .string()
    .min(1, `expected a non-empty ${what}`)
    .max(max, `expected a ${what} of at most ${max} characters`)
    .refine((v) => !v.includes('\0') && !LONE_SURROGATE.test(v), `expected a ${what} without NUL characters or lone surrogates`);
const id = z.string().regex(/^[1-9][0-9]{0,15}$/, 'expected a job id as the queue gave it (digits)');
const token = text('lease token', 64);
/** An idempotency key: a replay of the same request with the same key gets the first answer. */
const requestId = text('requestId', 128).optional();
/** A duration that ends in a lease or a delayed run: what core's client accepts. */
const leaseMs = z.number().positive().max(OBJECT_LIMITS.maxLeaseMs, `expected at most ${OBJECT_LIMITS.maxLeaseMs} ms`);
const hasPayload = (job: unknown) => typeof job === 'object' && job !== null && 'payload' in job;

const job = z
  .strictObject({
    payload: z.unknown(),
    priority: z.number().int().min(OBJECT_LIMITS.minPriority).max(OBJECT_LIMITS.maxPriority).optional(),
    runAt: z
      .number()
      .min(0, 'expected ms since epoch, from 1970')
      .max(OBJECT_LIMITS.maxRunAt, 'expected ms since epoch, up to the end of year 9999')
      .optional(),
    maxAttempts: z.number().int().min(1).max(OBJECT_LIMITS.maxAttempts).optional(),
    dedupKey: text('dedup key', 512).optional(),
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
      workerId: text('worker id', 256),
      max: z.number().int().min(1).max(limits.maxClaim).optional(),
      leaseMs: leaseMs.optional(),
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
      // Free text: a client that cut a long message may have split a surrogate pair, kept as one U+FFFD.
      error: z
        .string()
        .max(65_536)
        .transform((v) => v.replace(/[\uD800-\uDFFF]/gu, '\uFFFD'))
        .optional(),
      retryInMs: z.number().min(0).max(OBJECT_LIMITS.maxLeaseMs, `expected at most ${OBJECT_LIMITS.maxLeaseMs} ms`).optional(),
      requestId,
    }),
    wait: z.strictObject({ timeoutMs: z.number().min(0).max(MAX_WAIT_MS) }),
    listDead: z.strictObject({
      limit: z.number().int().min(1).max(1_000).optional(),
      offset: z.number().int().min(0).optional(),
    }),
    requeueDead: z.strictObject({ ids: z.array(id).max(10_000).optional(), requestId }),
    extend: z.strictObject({ id, token, leaseMs, requestId }),
  };
}
