type Pending = { id: string; token: string; resolve: (done: boolean) => void; reject: (error: unknown) => void };

/**
 * Gathers the completes issued in one turn of the event loop (a worker finishing a claimed batch calls `complete`
 * for each job at once) and sends them as one statement. Each caller still learns about its own job alone:
 * `true` when it was completed, `false` when its lease was not live. A failed statement rejects every caller of it.
 */
export class CompleteBatcher {
  private pending: Pending[] = [];
  private scheduled = false;

  constructor(
    private readonly send: (ids: string[], tokens: string[]) => Promise<Set<string>>,
    private readonly maxBatch = 500,
  ) {}

  complete(id: string, token: string): Promise<boolean> {
    return new Promise((resolve, reject) => {
      this.pending.push({ id, token, resolve, reject });
      if (this.pending.length >= this.maxBatch) this.flush();
      else if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    this.scheduled = false;
    const batch = this.pending;
    this.pending = [];
    if (batch.length === 0) return;
    // The same job twice in one batch (a caller retrying): only the first may succeed, as in two statements.
    const seen = new Set<string>();
    const first = batch.filter((p) => !seen.has(p.id) && seen.add(p.id));
    this.send(
      first.map((p) => p.id),
      first.map((p) => p.token),
    ).then(
      (done) => {
        for (const p of batch) p.resolve(first.includes(p) && done.has(p.id));
      },
      (error: unknown) => {
        for (const p of batch) p.reject(error);
      },
    );
  }
}
