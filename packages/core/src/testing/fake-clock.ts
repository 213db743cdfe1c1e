import type { Clock, TimerHandle } from '../clock.js';

interface Timer {
  id: number;
  at: number;
  fn: () => unknown;
}

// Captured at import, so that vi.useFakeTimers() in the same test cannot freeze the flush itself.
const realSetImmediate = globalThis.setImmediate;

/** Lets every pending promise chain run (a macrotask turn drains all microtasks). */
export function flushPromises(): Promise<void> {
  return new Promise((resolve) => realSetImmediate(resolve));
}

/**
 * A Clock that moves only when told. `advance(ms)` runs every timer that falls due, in time order,
 * awaiting the promises they start, so a minute of autoscaling is a few lines of a unit test.
 *
 * @example
 * const clock = new FakeClock();
 * const scaler = new Autoscaler({ clock, ... });
 * await scaler.start(); // the first tick, done: change a metric only after it
 * await clock.advance(60_000);
 */
export class FakeClock implements Clock {
  private current: number;
  private nextId = 1;
  private timers: Timer[] = [];

  /** @param start Initial time in ms since epoch. @default Date.UTC(2026, 0, 1) */
  constructor(start: number = Date.UTC(2026, 0, 1)) {
    this.current = start;
  }

  now(): number {
    return this.current;
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    const timer = { id: this.nextId++, at: this.current + Math.max(0, ms), fn };
    this.timers.push(timer);
    return timer.id;
  }

  clearTimeout(handle: TimerHandle): void {
    this.timers = this.timers.filter((t) => t.id !== handle);
  }

  /** Timers not yet fired. A stopped component should leave none. */
  get pendingTimers(): number {
    return this.timers.length;
  }

  /** Moves time forward by `ms`, firing due timers in order and awaiting what they start. */
  async advance(ms: number): Promise<void> {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`FakeClock.advance: expected a finite number >= 0, got ${ms}`);
    const end = this.current + ms;
    await flushPromises();
    for (;;) {
      const due = this.nextDue(end);
      if (!due) break;
      this.timers = this.timers.filter((t) => t !== due);
      this.current = due.at;
      // Await what the timer started, but never past the next flush: it may itself wait on a later timer.
      await Promise.race([Promise.resolve(due.fn()), flushPromises()]);
      await flushPromises();
    }
    this.current = end;
    await flushPromises();
  }

  /** Moves to an absolute time (not backwards). */
  advanceTo(time: number): Promise<void> {
    return this.advance(Math.max(0, time - this.current));
  }

  /** Fires every timer (and the timers they set) until none is left or `limitMs` has passed. */
  async runAll(limitMs = 24 * 3600_000): Promise<void> {
    const end = this.current + limitMs;
    while (this.timers.length > 0 && this.current < end) {
      const next = Math.min(...this.timers.map((t) => t.at));
      await this.advance(Math.max(0, Math.min(next, end) - this.current));
    }
  }

  private nextDue(end: number): Timer | undefined {
    let best: Timer | undefined;
    for (const t of this.timers) if (t.at <= end && (!best || t.at < best.at || (t.at === best.at && t.id < best.id))) best = t;
    return best;
  }
}
