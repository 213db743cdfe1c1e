/** One `complete`, and how many jobs to claim after it (`want`, 0 for none) for whom; or, with `id` null, a claim alone. */
export interface CompleteRequest {
  id: string | null;
  token: string | null;
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
 * Gathers completes and claims and sends them as one statement, one statement at a time. Group commit: while a
 * statement runs, new requests wait and go together the moment it returns, so under load the batches grow instead
 * of the statements queueing up (fewer, larger statements cost the server less per job, and claimers contend less
 * on the same rows); when idle, a request goes at the end of the current turn of the event loop, with whatever else
 * arrived in it. One at a time measured best at batch 1 for 1 to 16 workers and batched with 1 worker; two in
 * flight won only batched with 4 and 16 workers, by less than it lost elsewhere. Each caller still learns about its
 * own job alone: `done` when it was completed (`false` when its lease was not live, and then nothing was claimed for
 * it), and the jobs claimed for it. A failed statement rejects every caller of it.
 */
export class CompleteBatcher<J> {
  private pending: Pending<J>[] = [];
  private scheduled = false;
  private busy = false;

  constructor(
    private readonly send: (requests: CompleteRequest[]) => Promise<CompleteOutcome<J>>,
    private readonly maxBatch = 500,
  ) {}

  submit(request: CompleteRequest): Promise<{ done: boolean; jobs: J[] }> {
    return new Promise((resolve, reject) => {
      this.pending.push({ request, resolve, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled || this.busy || this.pending.length === 0) return;
    this.scheduled = true;
    setImmediate(() => this.flush());
  }

  private flush(): void {
    this.scheduled = false;
    if (this.busy) return;
    const batch = this.pending.splice(0, this.maxBatch);
    if (batch.length === 0) return;
    // The same job twice in one batch (a caller retrying): only the first may succeed, as in two statements.
    const seen = new Set<string>();
    const first = batch.filter(({ request: { id } }) => id === null || (!seen.has(id) && seen.add(id)));
    const index = new Map(first.map((p, i) => [p, i]));
    this.busy = true;
    const settled = () => {
      // What arrived while this statement ran goes at once, before its callers go on: the server works on the next
      // batch while this process handles the last one's jobs.
      this.busy = false;
      if (this.pending.length > 0) this.flush();
    };
    this.send(first.map((p) => p.request)).then(
      ({ done, claimed }) => {
        settled();
        for (const p of batch) {
          const i = index.get(p);
          const { id } = p.request;
          p.resolve(i === undefined ? { done: false, jobs: [] } : { done: id === null || done.has(id), jobs: claimed.get(i) ?? [] });
        }
      },
      (error: unknown) => {
        settled();
        for (const p of batch) p.reject(error);
      },
    );
  }
}
