/**
 * The slots a provider's constructor made for its first workers, started after the constructor has returned: on the
 * next microtask, or at the provider's first call if that comes sooner, so the provider never answers for workers
 * not yet started. A listener attached right after construction sees every start, and a provider closed in the same
 * turn (`fleet check` builds and closes one) starts none: a slot stopped meanwhile stays stopped.
 */
export class FirstStarts<S extends { state: string; start(): void }> {
  private slots: S[];

  /** @param notStarted whether a slot has not started by another way (the provider may have started it already). */
  constructor(
    slots: S[],
    private readonly notStarted: (slot: S) => boolean,
  ) {
    this.slots = slots;
    queueMicrotask(() => this.now());
  }

  /** Starts them now if they have not been; afterwards it does nothing. */
  now(): void {
    const slots = this.slots;
    this.slots = [];
    for (const slot of slots) if (slot.state === 'waiting' && this.notStarted(slot)) slot.start();
  }
}
