import { z } from 'zod';
import { handleApi } from './api.js';
import type { BodyLimits } from './bodies.js';
import { describeIssues } from './describe-issues.js';
import { OBJECT_LIMITS } from './queue-limits.js';
import type { DurableObjectStateLike } from './runtime.js';
import { QueueStore, type StoreSettings } from './store.js';
import { Waiters } from './waiters.js';

/** Settings of the queue object; pass them to {@link defineQueueObject}. */
export interface QueueObjectOptions {
  /** Name of the env binding (a secret) holding the bearer token. @default 'FLEET_QUEUE_TOKEN' */
  tokenBinding?: string;
  /** `maxAttempts` of jobs that set none. @default 5 */
  defaultMaxAttempts?: number;
  /** Retry delay after a `fail` without `retryInMs`: `min(maxMs, baseMs × 2^(attempt-1))`, jittered down by up to half. @default { baseMs: 1000, maxMs: 60_000 } */
  backoff?: { baseMs: number; maxMs: number };
  /** Largest payload, as UTF-8 bytes of JSON. At most 1,900,000: a row holds 2 MB. @default 1_048_576 */
  maxPayloadBytes?: number;
  /** A batch claim stops once its payloads pass this many characters of JSON (the first job always comes). @default 16_777_216 */
  maxClaimBytes?: number;
  /** Most jobs one claim may take: at most 1000, what every `@fleet` queue's client may ask for. @default 1000 */
  maxClaim?: number;
  /**
   * Largest `POST /enqueue` body, in bytes: what one request may make the object hold in memory. At least the
   * largest payload plus 4 KiB, at most 33,554,432 (an object has about 128 MB). @default 8_388_608
   */
  maxEnqueueBytes?: number;
  /** How long a request's idempotency key is remembered, in ms: longer than a client's retries last. @default 300_000 */
  requestKeyTtlMs?: number;
}

const ROW_LIMIT = 1_900_000;
/** The latest time workerd accepts for an alarm ("dates after 2189" are refused). */
const MAX_ALARM_AT = Date.UTC(2189, 0, 1);
const DEFAULT_PAYLOAD_BYTES = 1_048_576;
const DEFAULT_ENQUEUE_BYTES = 8_388_608;
const positiveInt = z.number().int().min(1);
const payloadBytesOf = (o: QueueObjectOptions) => Math.min(o.maxPayloadBytes ?? DEFAULT_PAYLOAD_BYTES, ROW_LIMIT);
const optionsSchema = z
  .strictObject({
    tokenBinding: z.string().min(1).optional(),
    defaultMaxAttempts: positiveInt.max(OBJECT_LIMITS.maxAttempts).optional(),
    // A retry's delay ends in an alarm and a run time: bounded like every duration a client may send.
    backoff: z
      .strictObject({ baseMs: z.number().min(0).max(OBJECT_LIMITS.maxLeaseMs), maxMs: z.number().min(0).max(OBJECT_LIMITS.maxLeaseMs) })
      .optional(),
    maxPayloadBytes: positiveInt.optional(),
    maxClaimBytes: positiveInt.optional(),
    maxClaim: positiveInt.max(OBJECT_LIMITS.maxClaim).optional(),
    maxEnqueueBytes: positiveInt.max(33_554_432).optional(),
    requestKeyTtlMs: z.number().finite().positive().optional(),
  })
  .refine((o) => o.maxEnqueueBytes === undefined || o.maxEnqueueBytes >= payloadBytesOf(o) + 4_096, {
    message: 'expected room for the largest payload (maxPayloadBytes, at most 1,900,000) plus 4096 bytes',
    path: ['maxEnqueueBytes'],
  });

/**
 * The claim queue as a Durable Object on SQLite storage: one object is one queue. Export it from your Worker and
 * bind it with `new_sqlite_classes`; reach it through {@link routeQueue} or your own `stub.fetch`. Its single
 * alarm is set to the earliest lease expiry or delayed run time and takes expired jobs back; it is idempotent, as
 * alarms are delivered at least once. Claims also sweep first, so a late alarm never delays a redelivery.
 */
export class QueueObject {
  /** The options of this class; {@link defineQueueObject} makes a subclass with others. */
  static options: QueueObjectOptions = {};
  /** The queue on this object's storage. @internal */
  readonly store: QueueStore;
  private readonly limits: BodyLimits;
  private readonly token: string | undefined;
  private alarmAt: number | undefined;
  private readonly waiters = new Waiters();

  constructor(
    protected readonly ctx: DurableObjectStateLike,
    env: Record<string, unknown>,
  ) {
    const o = (new.target as typeof QueueObject).options;
    const settings: StoreSettings = {
      defaultMaxAttempts: o.defaultMaxAttempts ?? 5,
      backoff: o.backoff ?? { baseMs: 1_000, maxMs: 60_000 },
      requestKeyTtlMs: o.requestKeyTtlMs ?? 300_000,
      maxClaimBytes: o.maxClaimBytes ?? 16_777_216,
    };
    this.limits = {
      maxPayloadBytes: payloadBytesOf(o),
      maxClaim: o.maxClaim ?? OBJECT_LIMITS.maxClaim,
      maxEnqueueBytes: o.maxEnqueueBytes ?? DEFAULT_ENQUEUE_BYTES,
    };
    const token = env[o.tokenBinding ?? 'FLEET_QUEUE_TOKEN'];
    this.token = typeof token === 'string' ? token : undefined;
    this.store = new QueueStore(ctx.storage, settings);
    void ctx.blockConcurrencyWhile(async () => {
      this.alarmAt = (await ctx.storage.getAlarm()) ?? undefined;
    });
  }

  /** Serves the HTTP API (see the README); the path is the last segment of the URL. */
  async fetch(request: Request): Promise<Response> {
    const path = `/${new URL(request.url).pathname.split('/').pop() ?? ''}`;
    const response = await handleApi(request, path, {
      store: this.store,
      token: this.token,
      limits: this.limits,
      now: Date.now,
      random: Math.random,
      wait: (timeoutMs) => this.waitForJobs(timeoutMs),
    });
    this.wakeWaiters();
    await this.scheduleAlarm();
    return response;
  }

  /**
   * Resolves `true` once a job is ready, `false` after `timeoutMs` without one. Parked requests wake on any request
   * that may have readied jobs and on the alarm; each also wakes by itself when the next delayed job or lease falls
   * due, so it never waits on an alarm that is late.
   */
  protected async waitForJobs(timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const now = Date.now();
      if (this.store.hasReady(now)) return true;
      if (now >= deadline) return false;
      const due = this.store.sweeper.nextDue() ?? Number.POSITIVE_INFINITY;
      await this.waiters.sleep(Math.max(1, Math.min(deadline, due) - now));
    }
  }

  /** Wakes the parked `POST /wait` requests if a job is ready (a cheap check, made only while some are parked). */
  private wakeWaiters(): void {
    if (this.waiters.size > 0 && this.store.hasReady(Date.now())) this.waiters.wake();
  }

  /** Takes back expired leases and promotes due jobs, then sets the alarm to the next due time. Idempotent. */
  async alarm(): Promise<void> {
    this.alarmAt = undefined;
    this.store.sweeper.sweep(Date.now());
    this.wakeWaiters();
    await this.scheduleAlarm();
  }

  /** Sets the alarm if something falls due before the one already set (an early alarm only re-schedules). */
  protected async scheduleAlarm(): Promise<void> {
    // Nothing is due before the sweeper's lower bound: an alarm set at or before it needs no query.
    if (this.alarmAt !== undefined && this.alarmAt <= this.store.sweeper.lowerBound) return;
    const due = this.store.sweeper.nextDue();
    if (due === undefined) return;
    // A job may run as late as year 9999; the platform's alarms stop earlier. An alarm set at that limit fires
    // early, which only re-schedules it (and once that limit has passed, no later alarm can be set).
    const next = Math.min(due, MAX_ALARM_AT);
    if (this.alarmAt !== undefined && this.alarmAt <= next) return;
    if (due > MAX_ALARM_AT && MAX_ALARM_AT <= Date.now()) return;
    this.alarmAt = next;
    await this.ctx.storage.setAlarm(next);
  }
}

/**
 * A {@link QueueObject} subclass with other options, to export from your Worker. Throws at load, naming the field,
 * when an option is out of range.
 *
 * @example
 * export const MailQueue = defineQueueObject({ defaultMaxAttempts: 3, tokenBinding: 'MAIL_QUEUE_TOKEN' });
 */
export function defineQueueObject(options: QueueObjectOptions): typeof QueueObject {
  const parsed = optionsSchema.safeParse(options);
  if (!parsed.success) throw new Error(`[fleet] [queue-do] invalid defineQueueObject() options: ${describeIssues(parsed.error, options)}`);
  const settings: QueueObjectOptions = parsed.data;
  return class extends QueueObject {
    static override options = settings;
  };
}
