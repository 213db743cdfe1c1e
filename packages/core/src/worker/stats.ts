/** What a worker has done so far, from {@link WorkerHandle.stats}. */
export interface WorkerStats {
  workerId: string;
  state: 'running' | 'draining' | 'stopped';
  /** Jobs whose handler is running (or whose complete/fail is in flight). */
  running: number;
  claimed: number;
  /** Completed. */
  done: number;
  /** Failed back to the queue (the handler threw). */
  failed: number;
  /** Lost to lease expiry: neither completed nor failed here. */
  leaseLost: number;
  /** Left to their lease when the drain timed out. */
  abandoned: number;
  /** Claim, extend, complete, fail or wait errors. */
  errors: number;
  /** Handler time of done and failed jobs. */
  latencyAvgMs: number;
  latencyMaxMs: number;
}

type Counts = { done: number; failed: number; errors: number; latencySum: number; latencyMax: number };
const zero = (): Counts => ({ done: 0, failed: 0, errors: 0, latencySum: 0, latencyMax: 0 });

/** Counters of a worker: totals for `stats()`, and a window for the periodic line that resets at each line. */
export class WorkerCounters {
  claimed = 0;
  leaseLost = 0;
  abandoned = 0;
  private total = zero();
  private window = zero();

  finished(ok: boolean, durationMs: number): void {
    for (const c of [this.total, this.window]) {
      if (ok) c.done++;
      else c.failed++;
      c.latencySum += durationMs;
      c.latencyMax = Math.max(c.latencyMax, durationMs);
    }
  }

  error(): void {
    this.total.errors++;
    this.window.errors++;
  }

  snapshot(workerId: string, state: WorkerStats['state'], running: number): WorkerStats {
    const { done, failed, errors, latencySum, latencyMax } = this.total;
    const { claimed, leaseLost, abandoned } = this;
    const latencyAvgMs = done + failed === 0 ? 0 : Math.round(latencySum / (done + failed));
    return { workerId, state, running, claimed, done, failed, leaseLost, abandoned, errors, latencyAvgMs, latencyMaxMs: latencyMax };
  }

  /**
   * The S3-style line for the window that just ended, with its figures as fields (for pino), then starts a new window:
   * `worker w1: 12 done, 1 failed in 10s (1.2/s), latency avg 830 ms max 1320 ms, 2 running, rss 84 MB, 0 errors`.
   */
  line(workerId: string, windowMs: number, running: number, rssBytes: number): { fields: Record<string, unknown>; message: string } {
    const { done, failed, errors, latencySum, latencyMax } = this.window;
    this.window = zero();
    const finished = done + failed;
    const perSecond = windowMs > 0 ? (finished * 1_000) / windowMs : 0;
    const latencyAvgMs = finished === 0 ? 0 : Math.round(latencySum / finished);
    const rssMb = Math.round(rssBytes / 1_048_576);
    const fields = { workerId, done, failed, perSecond, latencyAvgMs, latencyMaxMs: latencyMax, running, rssMb, errors };
    const message =
      `worker ${workerId}: ${done} done, ${failed} failed in ${Math.round(windowMs / 1_000)}s (${perSecond.toFixed(1)}/s), ` +
      `latency avg ${latencyAvgMs} ms max ${Math.round(latencyMax)} ms, ${running} running, rss ${rssMb} MB, ${errors} errors`;
    return { fields, message };
  }
}
