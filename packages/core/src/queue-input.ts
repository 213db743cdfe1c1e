import { z } from 'zod';
import { MAX_TIMER_MS, tooLongForTimer } from './duration.js';
import { parseWith } from './errors.js';
import type { ClaimOptions, JobInput, JobLease } from './queue.js';

/**
 * Where `value` stops being plain JSON (`path`, with a `hint` where the value alone does not say why), or undefined
 * when it is JSON. Rejects what `JSON.stringify` would drop or change: undefined, functions, bigints, symbols,
 * non-finite numbers, class instances such as Date or Map, and cycles.
 */
export function jsonProblem(
  value: unknown,
  path: PropertyKey[] = [],
  parents = new Set<object>(),
): { path: PropertyKey[]; hint?: string } | undefined {
  // Bounded before recursing: a payload nested 50,000 deep would overflow the stack here, and the stores refuse it.
  if (path.length > QUEUE_LIMITS.maxPayloadDepth)
    return { path: path.slice(0, 3), hint: `nested at most ${QUEUE_LIMITS.maxPayloadDepth} levels deep` };
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return undefined;
    case 'number':
      return Number.isFinite(value) ? undefined : { path, hint: 'a finite number' };
    case 'symbol':
      return { path, hint: 'not a symbol' };
    case 'object': {
      if (value === null) return undefined;
      const proto = Object.getPrototypeOf(value);
      if (!Array.isArray(value) && proto !== Object.prototype && proto !== null)
        return { path, hint: `a plain object or array, not a ${proto?.constructor?.name ?? 'class instance'}` };
      if (parents.has(value)) return { path, hint: 'not a circular reference' };
      parents.add(value);
      for (const [key, item] of Object.entries(value)) {
        const problem = jsonProblem(item, [...path, Array.isArray(value) ? Number(key) : key], parents);
        if (problem) return problem;
      }
      parents.delete(value);
      return undefined;
    }
    default:
      return { path };
  }
}

/**
 * What every ClaimQueue can store, checked before anything is written: PostgreSQL's `integer` for priorities, a
 * date that both JavaScript and PostgreSQL hold (from the epoch to year 9999) for `runAt`, no NUL character in text
 * (PostgreSQL's `text` cannot hold one), a claim of at most {@link MAX_CLAIM} jobs, and payloads nested at most 512
 * levels deep.
 */
export const QUEUE_LIMITS = {
  minPriority: -(2 ** 31),
  maxPriority: 2 ** 31 - 1,
  maxAttempts: 1_000_000,
  maxRunAt: Date.UTC(9999, 11, 31, 23, 59, 59, 999),
  maxClaim: 1_000,
  maxLeaseMs: MAX_TIMER_MS,
  /** SQLite's JSON functions refuse 1,000 levels; PostgreSQL's jsonb about 6,000. */
  maxPayloadDepth: 512,
} as const;

/** The most jobs one `claim` may ask for. */
export const MAX_CLAIM = QUEUE_LIMITS.maxClaim;

const text = (what: string) =>
  z
    .string()
    .min(1, `expected a non-empty ${what}`)
    .refine((v) => !v.includes('\0'), `expected a ${what} without NUL characters`);

const leaseMs = z.number().finite().positive().max(MAX_TIMER_MS, tooLongForTimer);

const jobSchema = z.strictObject({
  // z.custom, not z.unknown: a missing payload must reach the check too.
  payload: z
    .custom<unknown>(() => true)
    .superRefine((value, ctx) => {
      const problem = jsonProblem(value);
      if (!problem) return;
      const message = `expected a JSON value${problem.hint ? ` (${problem.hint})` : ''}`;
      ctx.addIssue({ code: 'custom', message, path: problem.path });
    }),
  priority: z.number().int().min(QUEUE_LIMITS.minPriority).max(QUEUE_LIMITS.maxPriority).optional(),
  runAt: z
    .custom<number | Date>((v) => {
      const ms = typeof v === 'number' ? v : v instanceof Date ? v.getTime() : Number.NaN;
      return Number.isFinite(ms) && ms >= 0 && ms <= QUEUE_LIMITS.maxRunAt;
    }, 'expected ms since epoch or a valid Date, from 1970 to the end of year 9999')
    .optional(),
  maxAttempts: z.number().int().min(1).max(QUEUE_LIMITS.maxAttempts).optional(),
  dedupKey: text('dedup key').optional(),
});

const claimSchema = z.strictObject({
  workerId: text('worker id'),
  max: z.number().int().min(1).max(MAX_CLAIM).optional(),
  leaseMs: leaseMs.optional(),
});

const leaseSchema = z.object({ id: text('job id'), token: text('lease token') });

/** A validated job input, `runAt` as ms since epoch. */
export type ParsedJob<P> = Omit<JobInput<P>, 'runAt'> & { runAt?: number };

/**
 * Validates what `enqueue` got and returns it as an array, `runAt` as ms. Throws `invalid-input` naming the field
 * (`payload.fn: expected a JSON value, got a function`, `1.priority: …` within a batch). For queue implementations.
 */
export function parseJobInputs<P>(jobs: JobInput<P> | readonly JobInput<P>[], scope: string): ParsedJob<P>[] {
  const parsed = Array.isArray(jobs)
    ? parseWith(z.array(jobSchema), jobs, scope, 'enqueue() jobs', 'invalid-input')
    : [parseWith(jobSchema, jobs, scope, 'enqueue() job', 'invalid-input')];
  return parsed.map(({ runAt, ...job }) => ({
    ...(job as Omit<JobInput<P>, 'runAt'>),
    ...(runAt === undefined ? {} : { runAt: Number(runAt) }),
  }));
}

/** Validates a claim's worker id and options. Throws `invalid-input` naming `workerId`, `max` or `leaseMs`. */
export function parseClaim(workerId: string, options: ClaimOptions | undefined, scope: string): Required<ClaimOptions> {
  // The common valid call skips zod: a worker claims (and completes) once per job, so this is on the hot path.
  if (typeof workerId === 'string' && workerId !== '' && !workerId.includes('\0') && (options === undefined || isPlainClaim(options))) {
    return { max: options?.max ?? 1, leaseMs: options?.leaseMs ?? 30_000 };
  }
  const c = parseWith(claimSchema, { ...options, workerId }, scope, 'claim() options', 'invalid-input');
  return { max: c.max ?? 1, leaseMs: c.leaseMs ?? 30_000 };
}

/** Validates the job handed to `complete`, `fail` or `extend` (an id and a token). Throws `invalid-input`. */
export function parseLease(lease: JobLease, scope: string, action: string): JobLease {
  const { id, token } = (lease ?? {}) as Partial<JobLease>;
  if (typeof id === 'string' && id !== '' && typeof token === 'string' && token !== '' && !`${id}${token}`.includes('\0'))
    return { id, token };
  return parseWith(leaseSchema, lease, scope, `${action}() job`, 'invalid-input');
}

/** A claim's options that zod would accept as they are: only `max` (1 to MAX_CLAIM) and `leaseMs` (> 0, a timer's). */
function isPlainClaim(options: ClaimOptions): boolean {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) return false;
  for (const key in options) if (key !== 'max' && key !== 'leaseMs') return false;
  const { max, leaseMs } = options;
  return (
    (max === undefined || (Number.isInteger(max) && max >= 1 && max <= MAX_CLAIM)) &&
    (leaseMs === undefined || (typeof leaseMs === 'number' && leaseMs > 0 && leaseMs <= MAX_TIMER_MS))
  );
}

/** Validates a duration argument (`leaseMs`, `retryInMs`, `timeoutMs`): positive unless `zeroOk`, at most MAX_TIMER_MS. */
export function parseMs(value: unknown, scope: string, what: string, zeroOk = false): number {
  const schema = (zeroOk ? z.number().finite().min(0) : z.number().finite().positive()).max(MAX_TIMER_MS, tooLongForTimer);
  return parseWith(schema, value, scope, what, 'invalid-input');
}
