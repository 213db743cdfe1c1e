import { EventEmitter } from 'eventemitter3';
import PQueue from 'p-queue';
import { sleep } from '../clock.js';
import { fleetError, isFleetError } from '../errors.js';
import type { ClaimedJob } from '../queue.js';
import { withTimeout } from '../timeout.js';
import type { WorkerErrorPhase, WorkerEvents, WorkerHandle } from './events.js';
import { keepLease } from './lease-keeper.js';
import { formatMs, type ResolvedWorkerOptions, type RunWorkerOptions, resolveWorkerOptions } from './options.js';
import { onShutdown, type StopReason } from './signals.js';
import { WorkerCounters, type WorkerStats } from './stats.js';

interface Running<P> {
  job: ClaimedJob<P>;
  controller: AbortController;
  stopLease: () => void;
  /** Lost its lease or abandoned by the drain: never complete or fail it here. */
  released: boolean;
  /** The handler has returned; only its complete or fail may still be in flight. */
  handled: boolean;
}

/** Bounds the wait of an idle worker on a queue's `waitForJobs`, in case a wake-up is missed. */
const IDLE_WAIT_MS = 5_000;

/**
 * Runs jobs from a ClaimQueue: claims as many as it has free slots (p-queue keeps the limit), extends each lease
 * while its handler runs, completes on success and fails on a throw. On `stop()`, SIGINT, SIGTERM or PM2's
 * `shutdown` message it stops claiming and lets running handlers finish within `drainTimeoutMs`; the rest are
 * aborted and left to their lease, so another worker takes them when it expires: nothing is lost.
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
  private readonly slots: PQueue;
  private readonly stopping = new AbortController();
  private readonly running = new Set<Running<P>>();
  private readonly counters = new WorkerCounters();
  private readonly loopDone: Promise<void>;
  private finished = false;
  private drained?: Promise<void>;
  private resolveDone!: () => void;
  private removeSignals = () => {};
  private statsTimer: unknown;

  constructor(private readonly o: ResolvedWorkerOptions<P>) {
    super();
    this.workerId = o.workerId;
    this.slots = new PQueue({ concurrency: o.concurrency });
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
    return this.counters.snapshot(this.workerId, state, this.running.size);
  }

  private async loop(): Promise<void> {
    const { queue, concurrency, leaseMs } = this.o;
    let claimFailures = 0;
    while (!this.stopping.signal.aborted) {
      const free = concurrency - this.slots.pending - this.slots.size;
      if (free <= 0) {
        await this.slotFreed();
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

  /** Starts claimed jobs; after the drain ended, leaves them to their lease instead and returns false. */
  private take(jobs: ClaimedJob<P>[]): boolean {
    if (this.finished) {
      if (jobs.length > 0)
        this.o.logger.warn(
          { jobs: jobs.length },
          `worker ${this.workerId}: ${jobs.length} job(s) claimed after the drain ended are left to their lease`,
        );
      return false;
    }
    for (const job of jobs) this.start(job);
    return true;
  }

  private start(job: ClaimedJob<P>): void {
    const { queue, clock, leaseMs } = this.o;
    const entry: Running<P> = { job, controller: new AbortController(), stopLease: () => {}, released: false, handled: false };
    entry.stopLease = keepLease({
      queue,
      clock,
      job,
      leaseMs,
      onLost: (error) => this.leaseLost(entry, error, 'extend'),
      onError: (error) => this.report('extend', error, job),
    });
    this.running.add(entry);
    this.counters.claimed++;
    // run() catches the handler and the queue calls; what can still throw here is an event listener.
    this.slots
      .add(() => this.run(entry))
      .catch((error: unknown) => this.o.logger.error({ err: error }, `worker ${this.workerId}: ${messageOf(error)}`));
  }

  private async run(entry: Running<P>): Promise<void> {
    const { job, controller } = entry;
    const { clock, handler } = this.o;
    const started = clock.now();
    try {
      this.emit('job-start', { job, workerId: this.workerId });
      let failure: { error: unknown } | undefined;
      try {
        await handler(job, { signal: controller.signal, workerId: this.workerId });
      } catch (error) {
        failure = { error };
      }
      entry.stopLease();
      entry.handled = true;
      if (!entry.released) await this.settle(job, failure, clock.now() - started, entry);
    } finally {
      entry.stopLease();
      this.running.delete(entry);
    }
  }

  /** Completes or fails a job whose handler has returned. */
  private async settle(job: ClaimedJob<P>, failure: { error: unknown } | undefined, durationMs: number, entry: Running<P>) {
    const during = failure ? 'fail' : 'complete';
    try {
      if (failure) {
        await this.o.queue.fail(job, failure.error);
        this.o.logger.warn(
          { jobId: job.id, attempt: job.attempt, err: failure.error },
          `worker ${this.workerId}: job ${job.id} failed on attempt ${job.attempt}: ${messageOf(failure.error)}`,
        );
        this.counters.finished(false, durationMs);
        this.emit('job-failed', { job, error: failure.error, durationMs });
      } else {
        // A queue that can fold the next claim into the complete takes this job's successor in the same round trip;
        // the job's slot stays taken until then, so the claim loop never claims for it as well. Not while draining.
        const { queue, leaseMs } = this.o;
        const next =
          queue.completeAndClaim && !this.stopping.signal.aborted
            ? await queue.completeAndClaim(job, this.workerId, { max: 1, leaseMs })
            : await queue.complete(job).then(() => []);
        this.counters.finished(true, durationMs);
        this.emit('job-done', { job, durationMs });
        this.take(next);
      }
    } catch (error) {
      if (isFleetError(error, 'lease-lost')) this.leaseLost(entry, error, during);
      else this.report(during, error, job);
    }
  }

  private leaseLost(entry: Running<P>, error: unknown, during: 'extend' | 'complete' | 'fail'): void {
    if (entry.released) return;
    entry.released = true;
    entry.controller.abort(error);
    this.counters.leaseLost++;
    this.o.logger.warn(
      { jobId: entry.job.id, during },
      `worker ${this.workerId}: lost the lease of job ${entry.job.id} (${during}): ${messageOf(error)}`,
    );
    this.emit('lease-lost', { job: entry.job, error, during });
  }

  private report(phase: WorkerErrorPhase, error: unknown, job?: ClaimedJob<P>): void {
    this.counters.error();
    this.o.logger.error({ phase, err: error, jobId: job?.id }, `worker ${this.workerId}: ${phase} failed: ${messageOf(error)}`);
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

  private slotFreed(): Promise<void> {
    return new Promise((resolve) => {
      const wake = () => {
        this.slots.off('next', wake);
        this.stopping.signal.removeEventListener('abort', wake);
        resolve();
      };
      this.slots.on('next', wake);
      this.stopping.signal.addEventListener('abort', wake, { once: true });
    });
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
      { reason, running: this.running.size },
      `worker ${this.workerId} draining (${reason}): ${this.running.size} running, up to ${formatMs(drainTimeoutMs)}`,
    );
    this.emit('draining', { reason, running: this.running.size });
    const settled = this.loopDone.then(() => this.slots.onIdle());
    const inTime = await withTimeout(clock, drainTimeoutMs, 'drain', () => settled).then(
      () => true,
      () => false,
    );
    this.finished = true;
    const abandoned = [...this.running].filter((entry) => !entry.released && !entry.handled);
    for (const entry of abandoned) {
      entry.released = true;
      entry.stopLease();
      entry.controller.abort(fleetError('core', 'aborted', `worker ${this.workerId}: drain timed out after ${formatMs(drainTimeoutMs)}`));
    }
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
      const { fields, message } = this.counters.line(this.workerId, statsIntervalMs, this.running.size, process.memoryUsage.rss());
      logger.info(fields, message);
      this.scheduleStats();
    }, statsIntervalMs);
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
