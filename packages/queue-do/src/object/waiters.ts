/**
 * Idle workers parked on the object (`POST /wait`): each sleeps until {@link Waiters.wake} (jobs may have become
 * ready: an enqueue, a fail, a requeue, the alarm) or its own timer, whichever comes first. Only promises and
 * timers: a parked request holds no storage and does not stop the object serving others.
 */
export class Waiters {
  private readonly parked = new Set<() => void>();

  /** How many requests are parked. */
  get size(): number {
    return this.parked.size;
  }

  /** Resolves after `ms`, or sooner on {@link wake}. */
  sleep(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.parked.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.parked.add(done);
    });
  }

  /** Wakes every parked request; each checks for ready jobs itself. */
  wake(): void {
    for (const done of [...this.parked]) done();
  }
}
