/** One `complete`, and how many jobs to claim after it (`want`, 0 for none) for whom. */
export interface CompleteRequest {
  id: string;
  token: string;
  want: number;
  workerId: string;
  leaseMs: number;
}

/** What one statement did: the ids completed, and the jobs claimed for each request, by its index in the batch. */
export interface CompleteOutcome<J> {
  done: Set<string>;
  claimed: Map<number, J[]>;
}

type Pending<J> = { request: CompleteRequest; resolve: (result: { done: boolean; jobs: J[] }) => void; reject: (error: unknown) => void };

/**
 * Gathers the completes issued in one turn of the event loop (a worker finishing a claimed batch calls `complete`
 * for each job at once; the workers of one process finish together under load) and sends them as one statement,
 * with the claims folded into them. Each caller still learns about its own job alone: `done` when it was completed
 * (`false` when its lease was not live, and then nothing was claimed for it), and the jobs claimed for it.
 * A failed statement rejects every caller of it.
 */
export class CompleteBatcher<J> {
  private pending: Pending<J>[] = [];
  private scheduled = false;

  constructor(
    private readonly send: (requests: CompleteRequest[]) => Promise<CompleteOutcome<J>>,
    private readonly maxBatch = 500,
  ) {}

  submit(request: CompleteRequest): Promise<{ done: boolean; jobs: J[] }> {
    return new Promise((resolve, reject) => {
      this.pending.push({ request, resolve, reject });
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
    const first = batch.filter((p) => !seen.has(p.request.id) && seen.add(p.request.id));
    const index = new Map(first.map((p, i) => [p, i]));
    this.send(first.map((p) => p.request)).then(
      ({ done, claimed }) => {
        for (const p of batch) {
          const i = index.get(p);
          p.resolve(i === undefined ? { done: false, jobs: [] } : { done: done.has(p.request.id), jobs: claimed.get(i) ?? [] });
        }
      },
      (error: unknown) => {
        for (const p of batch) p.reject(error);
      },
    );
  }
}
