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
 * Gathers completes and sends them as one statement, with the claims folded into them. Group commit: while
 * `maxInFlight` statements are running, new completes wait and go together when one returns, so under load the
 * batches grow instead of the statements queueing up (fewer, larger statements cost the server less per job, and
 * claimers contend less on the same rows); when idle, a complete goes at the end of the current turn of the event
 * loop, with whatever else arrived in it. Each caller still learns about its own job alone: `done` when it was
 * completed (`false` when its lease was not live, and then nothing was claimed for it), and the jobs claimed for
 * it. A failed statement rejects every caller of it.
 */
export class CompleteBatcher<J> {
  private pending: Pending<J>[] = [];
  private scheduled = false;
  private inFlight = 0;

  constructor(
    private readonly send: (requests: CompleteRequest[]) => Promise<CompleteOutcome<J>>,
    private readonly maxBatch = 500,
    private readonly maxInFlight = 1,
  ) {}

  submit(request: CompleteRequest): Promise<{ done: boolean; jobs: J[] }> {
    return new Promise((resolve, reject) => {
      this.pending.push({ request, resolve, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled || this.inFlight >= this.maxInFlight || this.pending.length === 0) return;
    this.scheduled = true;
    setImmediate(() => this.flush());
  }

  private flush(): void {
    this.scheduled = false;
    if (this.inFlight >= this.maxInFlight) return;
    const batch = this.pending.splice(0, this.maxBatch);
    if (batch.length === 0) return;
    // The same job twice in one batch (a caller retrying): only the first may succeed, as in two statements.
    const seen = new Set<string>();
    const first = batch.filter((p) => !seen.has(p.request.id) && seen.add(p.request.id));
    const index = new Map(first.map((p, i) => [p, i]));
    this.inFlight++;
    this.schedule();
    this.send(first.map((p) => p.request))
      .then(
        ({ done, claimed }) => {
          for (const p of batch) {
            const i = index.get(p);
            p.resolve(i === undefined ? { done: false, jobs: [] } : { done: done.has(p.request.id), jobs: claimed.get(i) ?? [] });
          }
        },
        (error: unknown) => {
          for (const p of batch) p.reject(error);
        },
      )
      .finally(() => {
        this.inFlight--;
        this.schedule();
      });
  }
}
