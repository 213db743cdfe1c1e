import type { EventEmitter } from 'eventemitter3';
import type { ClaimedJob } from '../queue.js';
import type { StopReason } from './signals.js';
import type { WorkerStats } from './stats.js';

/** Where a worker error happened. Handler errors are not errors of the worker: they fail the job (`job-failed`). */
export type WorkerErrorPhase = 'claim' | 'wait' | 'extend' | 'complete' | 'fail';

/** Events of a worker, one payload object each. */
export interface WorkerEvents<P = unknown> {
  'job-start': (event: { job: ClaimedJob<P>; workerId: string }) => void;
  'job-done': (event: { job: ClaimedJob<P>; durationMs: number }) => void;
  'job-failed': (event: { job: ClaimedJob<P>; error: unknown; durationMs: number }) => void;
  /** The job's lease is gone: its handler's signal is aborted and it is neither completed nor failed here. */
  'lease-lost': (event: { job: ClaimedJob<P>; error: unknown; during: 'extend' | 'complete' | 'fail' }) => void;
  error: (event: { phase: WorkerErrorPhase; error: unknown; job?: ClaimedJob<P> }) => void;
  draining: (event: { reason: StopReason; running: number }) => void;
  /** `abandoned`: jobs still running when the drain timed out, left to their lease for another worker. */
  stopped: (event: { reason: StopReason; abandoned: number; stats: WorkerStats }) => void;
}

/** A running worker: its events, its stats, and `stop()`. */
export interface WorkerHandle<P = unknown> extends EventEmitter<WorkerEvents<P>> {
  readonly workerId: string;
  /** Stops claiming, waits for running handlers up to `drainTimeoutMs`, then aborts the rest. Idempotent. */
  stop(): Promise<void>;
  /** Resolves once the worker has stopped, whoever stopped it. */
  readonly done: Promise<void>;
  stats(): WorkerStats;
}
