import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { WorkerOptions } from 'node:worker_threads';
import { type FleetStatus, fleetError, type ProviderCapabilities, parseWith, type ScaleRequest, type ScalingProvider } from '@fleet/core';
import { EventEmitter } from 'eventemitter3';
import { z } from 'zod';
import { boundsShape, checkBounds, lifecycleShape, parseTarget, SCOPE, ScaleLog } from './common.js';
import { FirstStarts } from './first-starts.js';
import { isResult, type TaskMessage } from './protocol.js';
import { ThreadSlot, type ThreadSlotListener } from './thread-slot.js';

const pathOf = (file: unknown) => (file instanceof URL ? fileURLToPath(file) : typeof file === 'string' ? file : '');

const schema = z
  .strictObject({
    file: z
      .custom<string | URL>((f) => typeof f === 'string' || f instanceof URL, 'expected the path or file URL of a worker script')
      .refine((f) => existsSync(pathOf(f)), { message: 'expected the path of an existing file' }),
    workerData: z.unknown().optional(),
    env: z.record(z.string(), z.string()).default({}),
    name: z.string().min(1).default('thread'),
    ...boundsShape,
    ...lifecycleShape,
    resourceLimits: z.custom<WorkerOptions['resourceLimits']>((v) => typeof v === 'object' && v !== null).optional(),
    execArgv: z.array(z.string()).optional(),
  })
  .superRefine(checkBounds);

/** Options of {@link threadProvider}. */
export interface ThreadProviderOptions {
  /** The worker thread's script (path or file URL). Must exist. */
  file: string | URL;
  /** Passed to every thread as `workerData`. */
  workerData?: unknown;
  /** Added to the threads' copy of the environment; `WORKER_ID` is set per thread (`${name}-${index}`). @default {} */
  env?: Record<string, string>;
  /** Prefix of the thread ids. @default 'thread' */
  name?: string;
  /** @default 0 */
  min?: number;
  /** @default 64 */
  max?: number;
  /** Threads started when the provider is created. @default min */
  initial?: number;
  /** After posting `'shutdown'`, how long a stopped thread may drain before `terminate()`. @default 30_000 */
  drainTimeoutMs?: number;
  /** Count a thread ready only once it posts `'ready'` (`serveThread` does). @default false */
  waitReady?: boolean;
  /** A live thread counts as ready this long after it started. @default 0 */
  readyGraceMs?: number;
  /** As in `processProvider`. @default { baseMs: 100, maxMs: 30_000, minUptimeMs: 1_000, maxUnstable: 5 } */
  restart?: { baseMs?: number; maxMs?: number; minUptimeMs?: number; maxUnstable?: number };
  resourceLimits?: WorkerOptions['resourceLimits'];
  /** Node flags of the threads. @default this process's `execArgv` (Node's default for worker threads) */
  execArgv?: string[];
}

/** Events of a {@link ThreadProvider}. */
export interface ThreadProviderEvents {
  exit: (event: { workerId: string; code: number; expected: boolean }) => void;
  error: (event: { workerId: string; error: Error }) => void;
}

/** A fleet of worker threads, usable as a least-loaded pool. */
export interface ThreadProvider extends ScalingProvider, EventEmitter<ThreadProviderEvents> {
  readonly capabilities: ProviderCapabilities;
  /**
   * Sends a task to the ready thread with the fewest tasks in flight (the lowest index on a tie) and resolves with
   * its answer. The thread serves tasks with `serveThread(handler)`. Rejects with `provider-failed` when no thread
   * runs, or when the thread dies or fails the task.
   */
  run<R = unknown>(payload: unknown): Promise<R>;
  /** Tasks in flight per live thread, by id: what the dispatcher balances. */
  load(): Record<string, number>;
  /** Stops every thread gracefully and resolves once all exited. */
  close(): Promise<void>;
}

/**
 * Worker threads as a fleet (S3's gateway): `scaleTo(n)` runs n threads of `file`, scale-in posts `'shutdown'` to
 * the newest threads and terminates them after `drainTimeoutMs`. Used as a pool, `run(payload)` dispatches to the
 * least-loaded thread.
 *
 * @example
 * const pool = threadProvider({ file: new URL('./handler.js', import.meta.url), min: 2, max: 8 });
 * const reply = await pool.run({ topic, message });
 */
export function threadProvider(options: ThreadProviderOptions): ThreadProvider {
  return new Threads(parseWith(schema, options, SCOPE, 'threadProvider() options'));
}

class Threads extends EventEmitter<ThreadProviderEvents> implements ThreadProvider {
  readonly name: string;
  readonly capabilities: ProviderCapabilities;
  private slots: ThreadSlot[] = [];
  private readonly draining = new Set<Promise<void>>();
  private readonly pending = new Map<number, { slot: ThreadSlot; resolve: (v: unknown) => void; reject: (e: unknown) => void }>();
  private readonly log = new ScaleLog();
  private readonly listener: ThreadSlotListener;
  private seq = 0;
  /** The constructor's workers, started after it has returned. */
  private readonly firstStarts: FirstStarts<ThreadSlot>;

  constructor(private readonly o: z.output<typeof schema>) {
    super();
    this.name = `thread(${o.name})`;
    this.capabilities = { scaleToZero: o.min === 0, maxSize: o.max };
    this.listener = {
      message: (slot, message) => this.answer(slot, message),
      exit: (slot, code, expected) => {
        this.orphan(slot, code);
        this.emit('exit', { workerId: slot.id, code, expected });
      },
      gaveUp: (slot, error) => {
        if (this.listenerCount('error') > 0) this.emit('error', { workerId: slot.id, error });
        else process.stderr.write(`${error.message}\n`);
      },
    };
    // The first threads get their slots now (status counts them) but start after the constructor has returned, like
    // processProvider's: a provider built and closed in the same turn (`fleet check`) never starts a thread.
    this.firstStarts = new FirstStarts(this.resize(o.initial ?? o.min, { start: false }), (slot) => slot.worker === undefined);
  }

  async status(signal?: AbortSignal): Promise<FleetStatus> {
    this.firstStarts.now();
    signal?.throwIfAborted();
    const ready = this.slots.filter((s) => s.alive && s.ready).length;
    const starting = this.slots.filter((s) => s.alive && !s.ready).length;
    return this.log.status(this.slots.length, ready, starting);
  }

  async scaleTo(target: number, request: ScaleRequest): Promise<void> {
    const n = parseTarget(target, this.o.min, this.o.max, SCOPE);
    request.signal?.throwIfAborted();
    this.firstStarts.now();
    this.resize(n);
  }

  run<R>(payload: unknown): Promise<R> {
    this.firstStarts.now();
    const live = this.slots.filter((s) => s.alive);
    const candidates = live.some((s) => s.ready) ? live.filter((s) => s.ready) : live;
    const slot = candidates.reduce<ThreadSlot | undefined>((best, s) => (!best || s.inFlight < best.inFlight ? s : best), undefined);
    if (!slot?.worker) return Promise.reject(fleetError(SCOPE, 'provider-failed', `${this.name}: no thread is running to take the task`));
    const id = ++this.seq;
    slot.inFlight++;
    return new Promise<R>((resolve, reject) => {
      this.pending.set(id, { slot, resolve: resolve as (v: unknown) => void, reject });
      slot.worker?.postMessage({ type: 'fleet:task', id, payload } satisfies TaskMessage);
    });
  }

  load(): Record<string, number> {
    return Object.fromEntries(this.slots.filter((s) => s.alive).map((s) => [s.id, s.inFlight]));
  }

  async close(): Promise<void> {
    this.resize(0);
    await Promise.all([...this.draining]);
  }

  private answer(slot: ThreadSlot, message: unknown): void {
    if (!isResult(message)) return;
    const task = this.pending.get(message.id);
    if (!task) return;
    this.pending.delete(message.id);
    slot.inFlight--;
    if (message.ok) task.resolve(message.value);
    else task.reject(fleetError(SCOPE, 'provider-failed', `${slot.id}: the task failed: ${message.error}`));
  }

  private orphan(slot: ThreadSlot, code: number): void {
    for (const [id, task] of this.pending) {
      if (task.slot !== slot) continue;
      this.pending.delete(id);
      task.reject(fleetError(SCOPE, 'provider-failed', `${slot.id} exited (code ${code}) before answering the task`));
    }
    slot.inFlight = 0;
  }

  // Returns the slots it added; with `start: false` they are not started (the constructor's, see FirstStarts).
  private resize(target: number, { start = true } = {}): ThreadSlot[] {
    const from = this.slots.length;
    const added: ThreadSlot[] = [];
    while (this.slots.length < target) {
      const index = this.slots.length + 1;
      const { file, workerData, env, resourceLimits, execArgv, drainTimeoutMs, waitReady, readyGraceMs, restart } = this.o;
      const config = { file, workerData, env, resourceLimits, execArgv, drainTimeoutMs, waitReady, readyGraceMs, restart };
      const slot = new ThreadSlot(`${this.o.name}-${index}`, index, config, this.listener);
      this.slots.push(slot);
      added.push(slot);
      if (start) slot.start();
    }
    for (const slot of this.slots.splice(target).reverse()) {
      const stopped = slot.stop().finally(() => this.draining.delete(stopped));
      this.draining.add(stopped);
    }
    this.log.record(from, target);
    return added;
  }
}
