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

type Answer<J> = { done: boolean; jobs: J[] };
type Pending<J> = { request: CompleteRequest; resolve: (result: Answer<J>) => void; reject: (error: unknown) => void };

/**
 * Gathers completes and claims and sends them as one statement, one statement at a time. Group commit: while a
 * statement runs, new requests wait and go together the moment it returns, so under load the batches grow instead
 * of the statements queueing up (fewer, larger statements cost the server less per job, and claimers contend less
 * on the same rows); when idle, a request goes at the end of the current turn of the event loop, with whatever else
 * arrived in it. One at a time measured best at batch 1 for 1 to 16 workers and batched with 1 worker; two in
 * flight won only batched with 4 and 16 workers, by less than it lost elsewhere. Each caller still learns about its
 * own job alone: `done` when it was completed (`false` when its lease was not live, and then nothing was claimed for
 * it), and the jobs claimed for it. A statement that fails on its data (`isolate(error)`: one caller's bad value)
 * is sent again in halves, down to single requests, so only the caller whose request fails gets the error and the
 * others succeed as if sent alone; a statement is atomic, so a failed one changed nothing and resending it is safe.
 * Other failures (the server or connection away) reject every caller of it.
 */
export class CompleteBatcher<J> {
  private pending: Pending<J>[] = [];
  private scheduled = false;
  private busy = false;

  constructor(
    private readonly send: (requests: CompleteRequest[]) => Promise<CompleteOutcome<J>>,
    private readonly maxBatch = 500,
    private readonly isolate: (error: unknown) => boolean = () => false,
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
    void this.run(first.map((p) => p.request)).then((answers) => {
      settled();
      for (const p of batch) {
        const i = index.get(p);
        const answer = i === undefined ? { done: false, jobs: [] } : answers[i];
        if (answer instanceof Failed) p.reject(answer.error);
        else p.resolve(answer ?? { done: false, jobs: [] });
      }
    });
  }

  /** Each request's answer, or its failure: one statement, or halves of it when it failed on its data. */
  private async run(requests: CompleteRequest[]): Promise<(Answer<J> | Failed)[]> {
    try {
      const { done, claimed } = await this.send(requests);
      return requests.map(({ id }, i) => ({ done: id === null || done.has(id), jobs: claimed.get(i) ?? [] }));
    } catch (error) {
      if (requests.length === 1 || !this.isolate(error)) return requests.map(() => new Failed(error));
      const half = Math.ceil(requests.length / 2);
      return [...(await this.run(requests.slice(0, half))), ...(await this.run(requests.slice(half)))];
    }
  }
}

/** A request's failure, as {@link CompleteBatcher.run} hands it back. */
class Failed {
  constructor(readonly error: unknown) {}
}
