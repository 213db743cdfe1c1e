/** S3's figures over a window: throughput, latency avg/max, errors. */
export class Traffic {
  private count = 0;
  private errors = 0;
  private totalMs = 0;
  private maxMs = 0;
  private since = performance.now();

  record(ms: number, ok: boolean): void {
    this.count++;
    if (!ok) this.errors++;
    this.totalMs += ms;
    this.maxMs = Math.max(this.maxMs, ms);
  }

  /** The figures since the last call, then starts a new window. */
  take(): { perSec: number; avgMs: number; maxMs: number; errors: number; count: number } {
    const seconds = (performance.now() - this.since) / 1000;
    const out = {
      perSec: seconds > 0 ? this.count / seconds : 0,
      avgMs: this.count > 0 ? this.totalMs / this.count : 0,
      maxMs: this.maxMs,
      errors: this.errors,
      count: this.count,
    };
    Object.assign(this, { count: 0, errors: 0, totalMs: 0, maxMs: 0, since: performance.now() });
    return out;
  }
}
