import { EventEmitter } from 'eventemitter3';
import { sleep } from '../clock.js';
import { errorText, toError } from '../error-text.js';
import { fleetError, isFleetError } from '../errors.js';
import type { ClaimedJob } from '../queue.js';
import { withTimeout } from '../timeout.js';
import type { WorkerErrorPhase, WorkerEvents, WorkerHandle } from './events.js';
import { type JobTimeLimit, startJobTimeLimit } from './job-time-limit.js';
import { keepLease } from './lease-keeper.js';
import { formatMs, type JobContext, type ResolvedWorkerOptions, type RunWorkerOptions, resolveWorkerOptions } from './options.js';
import { onShutdown, type StopReason } from './signals.js';
import { WorkerCounters, type WorkerStats } from './stats.js';

interface Held<P> {
  job: ClaimedJob<P>;
  abort: LazyAbort;
  stopLease: () => void;
  /** Set while its handler runs, when `jobTimeoutMs` is on. */
  limit?: JobTimeLimit;
  /** Lost its lease or abandoned by the drain: never start, complete or fail it here. */
  released: boolean;
  /** The handler has returned; only its complete or fail may still be in flight. */
  handled: boolean;
}

/** Bounds the wait of an idle worker on a queue's `waitForJobs`, in case a wake-up is missed. */
const IDLE_WAIT_MS = 5_000;
/** `prefetch: 'auto'` holds jobs ahead only while handlers take less than this on average. */
const AUTO_PREFETCH_BELOW_MS = 10;

/**
 * Runs jobs from a ClaimQueue: claims as many as it has free slots, extends each lease while its handler runs,
 * completes on success and fails on a throw or when the handler outlives `jobTimeoutMs`. On `stop()`, SIGINT,
 * SIGTERM, PM2's `shutdown` message or the loss of its parent's IPC channel it stops claiming and lets running
 * handlers finish within `drainTimeoutMs`; the rest are aborted and left to their lease, so another worker takes
 * them when it expires: nothing is lost.
 *
 * @example
 * const worker = runWorker({ queue, concurrency: 2, handler: async (job, { signal }) => reply(job.payload, signal) });
 * // [fleet] worker ai-bot-worker-3 started (concurrency 2, lease 30s, drain 25s)
 */
export function runWorker<P = unknown>(options: RunWorkerOptions<P>): WorkerHandle<P> {
  return new Worker(resolveWorkerOptions(options));
}

class Worker<P> extends EventEmitter<WorkerEvents<P>> implements WorkerHandle<P> {
  readonly workerId: string;
  readonly done: Promise<void>;
  private readonly stopping = new AbortController();
  /** Claimed and not yet completed or failed: running, waiting for a slot, or settling. */
  private readonly held = new Set<Held<P>>();
  /** Claimed ahead (prefetch), in claim order, waiting for a slot. */
  private readonly waiting: Held<P>[] = [];
  /** Handlers running now; at most `concurrency`. */
  private active = 0;
  /** Mean handler time, weighted to the recent jobs; undefined before the first. */
  private handlerMs: number | undefined;
  private readonly counters = new WorkerCounters();
  private readonly loopDone: Promise<void>;
  private wakers: (() => void)[] = [];
  private finished = false;
  private drained?: Promise<void>;
  private resolveDone!: () => void;
  private removeSignals = () => {};
  private statsTimer: unknown;

  constructor(private readonly o: ResolvedWorkerOptions<P>) {
    super();
    this.workerId = o.workerId;
    this.done = new Promise((resolve) => (this.resolveDone = resolve));
    const { concurrency, leaseMs, drainTimeoutMs } = o;
    o.logger.info(
      { workerId: this.workerId, concurrency, leaseMs, drainTimeoutMs },
      `worker ${this.workerId} started (concurrency ${concurrency}, lease ${formatMs(leaseMs)}, drain ${formatMs(drainTimeoutMs)})`,
    );
    if (o.handleSignals) this.removeSignals = onShutdown((reason) => this.onSignal(reason));
    if (o.statsIntervalMs > 0) this.scheduleStats();
    this.loopDone = this.loop();
  }

  stop(): Promise<void> {
    this.drained ??= this.drain('stop');
    return this.drained;
  }

  stats(): WorkerStats {
    const state = this.finished ? 'stopped' : this.stopping.signal.aborted ? 'draining' : 'running';
    return this.counters.snapshot(this.workerId, state, this.held.size - this.waiting.length);
  }

  /** Jobs this worker may hold: its slots, plus the jobs it claims ahead while handlers are short. */
  private capacity(): number {
    const { concurrency, prefetch } = this.o;
    if (prefetch !== 'auto') return concurrency + prefetch;
    return this.handlerMs !== undefined && this.handlerMs < AUTO_PREFETCH_BELOW_MS ? 2 * concurrency : concurrency;
  }

  private async loop(): Promise<void> {
    const { queue, leaseMs } = this.o;
    let claimFailures = 0;
    while (!this.stopping.signal.aborted) {
      const free = this.capacity() - this.held.size;
      if (free <= 0) {
        await this.heldChanged();
        continue;
      }
      let jobs: ClaimedJob<P>[];
      try {
        jobs = await queue.claim(this.workerId, { max: free, leaseMs });
        claimFailures = 0;
      } catch (error) {
        this.report('claim', error);
        const backoff = Math.min(30_000, 500 * 2 ** claimFailures++);
        await this.pause(backoff / 2 + (Math.random() * backoff) / 2);
        continue;
      }
      if (!this.take(jobs)) return;
      // Jobs came back: claim again at once while slots are free. None: wait for work.
      if (jobs.length === 0) await this.idle();
    }
  }

  /** Starts claimed jobs (or queues them for a slot); after the drain ended, leaves them to their lease and returns false. */
  private take(jobs: ClaimedJob<P>[]): boolean {
    if (this.finished) {
      if (jobs.length > 0)
        this.o.logger.warn(
          { jobs: jobs.length },
          `worker ${this.workerId}: ${jobs.length} job(s) claimed after the drain ended are left to their lease`,
        );
      return false;
    }
    for (const job of jobs) this.hold(job);
    return true;
  }

  private hold(job: ClaimedJob<P>): void {
    const { queue, clock, leaseMs } = this.o;
    const entry: Held<P> = { job, abort: new LazyAbort(), stopLease: () => {}, released: false, handled: false };
    // The lease is kept from the claim on, also while the job waits for a slot.
    entry.stopLease = keepLease({
      queue,
      clock,
      job,
      leaseMs,
      onLost: (error) => this.leaseLost(entry, error, 'extend'),
      onError: (error) => this.report('extend', error, job),
    });
    this.held.add(entry);
    this.counters.claimed++;
    if (this.active < this.o.concurrency) this.start(entry);
    else this.waiting.push(entry);
  }

  private start(entry: Held<P>): void {
    this.active++;
    // run() catches the handler and the queue calls; what can still throw here is an event listener.
    this.run(entry).catch((error: unknown) => this.o.logger.error({ err: error }, `worker ${this.workerId}: ${errorText(error)}`));
  }

  /** A slot came free: the oldest waiting job that still holds its lease takes it. */
  private slotFreed(): void {
    this.active--;
    for (let entry = this.waiting.shift(); entry; entry = this.waiting.shift()) {
      if (!entry.released) {
        this.start(entry);
        return;
      }
      this.release(entry);
    }
  }

  private async run(entry: Held<P>): Promise<void> {
    const { job } = entry;
    const { clock, jobTimeoutMs } = this.o;
    const started = clock.now();
    let slotHeld = true;
    try {
      this.emit('job-start', { job, workerId: this.workerId });
      let failure: { error: Error } | undefined;
      if (jobTimeoutMs === 0) failure = await this.call(entry);
      else {
        const limit = startJobTimeLimit(clock, jobTimeoutMs, this.workerId, job.id);
        entry.limit = limit;
        failure = await Promise.race([this.call(entry), limit.expired.then((error) => this.timedOut(entry, error))]);
        limit.cancel();
      }
      entry.stopLease();
      entry.handled = true;
      const durationMs = clock.now() - started;
      this.handlerMs = this.handlerMs === undefined ? durationMs : this.handlerMs + 0.2 * (durationMs - this.handlerMs);
      // The slot is free once the handler returned: a waiting job starts while this one's complete is in flight.
      slotHeld = false;
      this.slotFreed();
      if (!entry.released) await this.settle(job, failure, durationMs, entry);
    } finally {
      if (slotHeld) this.slotFreed();
      this.release(entry);
    }
  }

  /** Runs the handler; whatever it throws becomes an Error here, once, so the queue and the logs can read it. */
  private async call(entry: Held<P>): Promise<{ error: Error } | undefined> {
    try {
      await this.o.handler(entry.job, new Context(entry.abort, this.workerId));
      return undefined;
    } catch (error) {
      return { error: toError(error, 'core', 'job-failed') };
    }
  }

  /** The job's time limit passed: abort its handler and fail the job, without waiting for a handler that never returns. */
  private timedOut(entry: Held<P>, error: Error): { error: Error } {
    entry.abort.abort(error);
    return { error };
  }

  /** Forgets a job: no longer held, its lease no longer kept. Wakes the claim loop and the drain. */
  private release(entry: Held<P>): void {
    entry.stopLease();
    if (!this.held.delete(entry)) return;
    const wakers = this.wakers;
    this.wakers = [];
    for (const wake of wakers) wake();
  }

  /** Completes or fails a job whose handler has returned. */
  private async settle(job: ClaimedJob<P>, failure: { error: Error } | undefined, durationMs: number, entry: Held<P>) {
    const during = failure ? 'fail' : 'complete';
    try {
      if (failure) {
        await this.o.queue.fail(job, failure.error);
        this.o.logger.warn(
          { jobId: job.id, attempt: job.attempt, err: failure.error },
          `worker ${this.workerId}: job ${job.id} failed on attempt ${job.attempt}: ${errorText(failure.error)}`,
        );
        this.counters.finished(false, durationMs);
        this.emit('job-failed', { job, error: failure.error, durationMs });
      } else {
        // A queue that can fold the next claim into the complete takes this job's successor in the same round trip;
        // the job stays held until then, so the claim loop never claims for it as well. Not while draining, nor
        // when the worker holds more than it may now (prefetch shrank).
        const { queue, leaseMs } = this.o;
        const next =
          queue.completeAndClaim && !this.stopping.signal.aborted && this.held.size <= this.capacity()
            ? await queue.completeAndClaim(job, this.workerId, { max: 1, leaseMs })
            : await queue.complete(job).then(() => []);
        this.counters.finished(true, durationMs);
        // Let this job go before holding its successor, which may start and settle before this call returns.
        this.release(entry);
        this.emit('job-done', { job, durationMs });
        this.take(next);
      }
    } catch (error) {
      if (isFleetError(error, 'lease-lost')) this.leaseLost(entry, error, during);
      else this.report(during, error, job);
    }
  }

  private leaseLost(entry: Held<P>, error: unknown, during: 'extend' | 'complete' | 'fail'): void {
    if (entry.released) return;
    entry.released = true;
    entry.abort.abort(error);
    // A job lost while it waited for a slot is let go at once, so the loop may claim in its place.
    const waiting = this.waiting.indexOf(entry);
    if (waiting >= 0) {
      this.waiting.splice(waiting, 1);
      this.release(entry);
    }
    this.counters.leaseLost++;
    this.o.logger.warn(
      { jobId: entry.job.id, during },
      `worker ${this.workerId}: lost the lease of job ${entry.job.id} (${during}): ${errorText(error)}`,
    );
    this.emit('lease-lost', { job: entry.job, error, during });
  }

  private report(phase: WorkerErrorPhase, error: unknown, job?: ClaimedJob<P>): void {
    this.counters.error();
    this.o.logger.error({ phase, err: error, jobId: job?.id }, `worker ${this.workerId}: ${phase} failed: ${errorText(error)}`);
    this.emit('error', job ? { phase, error, job } : { phase, error });
  }

  private async idle(): Promise<void> {
    const { queue, clock, pollMs } = this.o;
    try {
      if (queue.waitForJobs) await queue.waitForJobs(IDLE_WAIT_MS, this.stopping.signal);
      else await sleep(clock, pollMs, this.stopping.signal);
    } catch (error) {
      if (this.stopping.signal.aborted) return;
      this.report('wait', error);
      await this.pause(pollMs);
    }
  }

  /** Sleeps on the clock; a stop ends it early. */
  private pause(ms: number): Promise<void> {
    return sleep(this.o.clock, ms, this.stopping.signal).catch(() => {});
  }

  /** Resolves when a held job is released, or on stop. */
  private heldChanged(): Promise<void> {
    return new Promise((resolve) => {
      const wake = () => {
        this.stopping.signal.removeEventListener('abort', wake);
        resolve();
      };
      this.wakers.push(wake);
      this.stopping.signal.addEventListener('abort', wake, { once: true });
    });
  }

  /** Resolves once nothing is held: every job completed, failed or released. */
  private async allReleased(): Promise<void> {
    while (this.held.size > 0) await new Promise<void>((resolve) => this.wakers.push(resolve));
  }

  private onSignal(reason: StopReason): void {
    if (this.drained) {
      this.o.logger.warn({ reason }, `worker ${this.workerId}: ${reason} again; still draining`);
      return;
    }
    this.drained = this.drain(reason);
    if (this.o.exitAfterDrain) void this.drained.then(() => process.exit(0));
  }

  private async drain(reason: StopReason): Promise<void> {
    const { clock, logger, drainTimeoutMs } = this.o;
    this.stopping.abort();
    logger.info(
      { reason, running: this.held.size },
      `worker ${this.workerId} draining (${reason}): ${this.held.size} running, up to ${formatMs(drainTimeoutMs)}`,
    );
    this.emit('draining', { reason, running: this.held.size });
    // Jobs claimed ahead run too: they are short (that is when a worker claims ahead) and already leased here.
    const settled = this.loopDone.then(() => this.allReleased());
    const inTime = await withTimeout(clock, drainTimeoutMs, 'drain', () => settled).then(
      () => true,
      () => false,
    );
    this.finished = true;
    const abandoned = [...this.held].filter((entry) => !entry.released && !entry.handled);
    for (const entry of abandoned) {
      entry.released = true;
      entry.stopLease();
      entry.limit?.cancel();
      entry.abort.abort(fleetError('core', 'aborted', `worker ${this.workerId}: drain timed out after ${formatMs(drainTimeoutMs)}`));
    }
    for (const entry of this.waiting.splice(0)) this.release(entry);
    this.counters.abandoned += abandoned.length;
    if (!inTime)
      logger.warn(
        { abandoned: abandoned.length },
        `worker ${this.workerId}: drain timed out; ${abandoned.length} job(s) left to their lease`,
      );
    clock.clearTimeout(this.statsTimer);
    this.removeSignals();
    const stats = this.stats();
    logger.info({ ...stats }, `worker ${this.workerId} stopped (${stats.done} done, ${stats.failed} failed)`);
    this.emit('stopped', { reason, abandoned: abandoned.length, stats });
    this.resolveDone();
  }

  private scheduleStats(): void {
    const { clock, logger, statsIntervalMs } = this.o;
    this.statsTimer = clock.setTimeout(() => {
      const { fields, message } = this.counters.line(this.workerId, statsIntervalMs, this.active, process.memoryUsage.rss());
      logger.info(fields, message);
      this.scheduleStats();
    }, statsIntervalMs);
  }
}

/**
 * An AbortController made on first use: most handlers never read their signal, and one controller per job is a
 * measurable share of a short job's cost.
 */
class LazyAbort {
  private controller?: AbortController;
  private reason?: { value: unknown };

  get signal(): AbortSignal {
    if (!this.controller) {
      this.controller = new AbortController();
      if (this.reason) this.controller.abort(this.reason.value);
    }
    return this.controller.signal;
  }

  abort(reason: unknown): void {
    if (this.reason) return;
    this.reason = { value: reason };
    this.controller?.abort(reason);
  }
}

/** The handler's {@link JobContext}; its signal exists once read. */
class Context implements JobContext {
  constructor(
    private readonly lazy: LazyAbort,
    readonly workerId: string,
  ) {}

  get signal(): AbortSignal {
    return this.lazy.signal;
  }
}
