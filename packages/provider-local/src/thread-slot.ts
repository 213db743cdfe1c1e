import { Worker, type WorkerOptions } from 'node:worker_threads';
import { errorText, fleetError } from '@fleet/core';
import { backoffMs, SCOPE } from './common.js';

/** How a thread slot starts its thread and when it gives up. */
export interface ThreadSlotConfig {
  file: string | URL;
  workerData: unknown;
  env: Record<string, string>;
  resourceLimits?: WorkerOptions['resourceLimits'];
  execArgv?: string[];
  drainTimeoutMs: number;
  waitReady: boolean;
  readyGraceMs: number;
  restart: { baseMs: number; maxMs: number; minUptimeMs: number; maxUnstable: number };
}

/** What a thread slot tells its provider. */
export interface ThreadSlotListener {
  message(slot: ThreadSlot, message: unknown): void;
  exit(slot: ThreadSlot, code: number, expected: boolean): void;
  gaveUp(slot: ThreadSlot, error: Error): void;
}

/**
 * One worker thread of a thread fleet: restarted with backoff when it exits on its own, left stopped after
 * `maxUnstable` quick exits in a row, and stopped by posting `'shutdown'` (the thread drains and exits), then
 * `terminate()` after the drain timeout.
 */
export class ThreadSlot {
  worker?: Worker;
  ready = false;
  alive = false;
  /** Tasks dispatched to this thread and not answered yet. */
  inFlight = 0;
  state: 'running' | 'waiting' | 'errored' | 'stopped' = 'waiting';
  private startedAt = 0;
  private unstable = 0;
  private timer?: NodeJS.Timeout;
  private lastError = '';

  constructor(
    readonly id: string,
    readonly index: number,
    private readonly config: ThreadSlotConfig,
    private readonly listener: ThreadSlotListener,
  ) {}

  start(): void {
    const c = this.config;
    this.state = 'running';
    this.ready = false;
    this.startedAt = Date.now();
    const worker = new Worker(c.file, {
      workerData: c.workerData,
      env: { ...process.env, ...c.env, WORKER_ID: this.id },
      ...(c.resourceLimits ? { resourceLimits: c.resourceLimits } : {}),
      ...(c.execArgv ? { execArgv: c.execArgv } : {}),
    });
    this.worker = worker;
    this.alive = true;
    worker.on('message', (message: unknown) => {
      if (worker !== this.worker) return;
      if (message === 'ready') {
        if (!this.ready) this.ready = true;
        return;
      }
      this.listener.message(this, message);
    });
    // A thread may throw anything (`throw null`): its text is read with errorText, which never throws in this process.
    worker.on('error', (error: unknown) => {
      this.lastError = errorText(error);
    });
    worker.on('exit', (code) => this.exited(worker, code));
    if (!c.waitReady && c.readyGraceMs === 0) this.ready = true;
    else if (c.readyGraceMs > 0) {
      this.timer = setTimeout(() => {
        if (worker === this.worker) this.ready = true;
      }, c.readyGraceMs);
    }
  }

  /** Posts `'shutdown'`, then terminates the thread after the drain timeout. Resolves once it has exited. */
  stop(): Promise<void> {
    this.state = 'stopped';
    clearTimeout(this.timer);
    const worker = this.worker;
    if (!worker || !this.alive) return Promise.resolve();
    return new Promise((resolve) => {
      const force = setTimeout(() => void worker.terminate(), this.config.drainTimeoutMs);
      worker.once('exit', () => {
        clearTimeout(force);
        resolve();
      });
      worker.postMessage('shutdown');
    });
  }

  private exited(worker: import('node:worker_threads').Worker, code: number): void {
    if (worker !== this.worker) return;
    clearTimeout(this.timer);
    this.alive = false;
    this.ready = false;
    const expected = this.state === 'stopped';
    this.listener.exit(this, code, expected);
    if (expected || this.state !== 'running') return;
    const { baseMs, maxMs, minUptimeMs, maxUnstable } = this.config.restart;
    this.unstable = Date.now() - this.startedAt < minUptimeMs ? this.unstable + 1 : 0;
    if (this.unstable >= maxUnstable) {
      this.state = 'errored';
      const last = this.lastError ? `; last error: ${this.lastError}` : '';
      const message =
        `thread ${this.id} exited ${this.unstable} times in a row within ${minUptimeMs} ms of starting (last exit code ${code}` +
        `${last}); it is no longer restarted`;
      this.listener.gaveUp(this, fleetError(SCOPE, 'provider-failed', message));
      return;
    }
    this.state = 'waiting';
    this.timer = setTimeout(() => this.state === 'waiting' && this.start(), backoffMs(this.unstable || 1, baseMs, maxMs));
  }
}
