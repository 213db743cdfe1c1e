// The Worker the benchmark runs in workerd. Each bench route does K claim + complete + refill rounds inside the
// object, so the client's timing holds K rounds of work plus one request; the empty route holds the request alone,
// and its time is subtracted (Date.now() inside workerd only moves across I/O, so timing happens outside).
// `bench-claim` calls the store directly, as the issue defines the measure. `bench-api` sends each claim and complete
// through the object's own request handler instead, as a Node worker's `POST /claim-next` and `/complete` (batch:
// `/complete-batch`) reach it: bearer check, body parsing and validation, store, JSON answer; only the transport is
// left out.
import { newRequestId } from '../src/object/request-id.js';
import { QueueObject } from '../src/worker.js';
import { NaiveQueue } from './naive.js';

interface Ctx {
  storage: ConstructorParameters<typeof NaiveQueue>[0];
}

const params = (request: Request) => {
  const url = new URL(request.url);
  const n = (name: string) => Number(url.searchParams.get(name) ?? 1);
  return { route: url.pathname.split('/').pop(), k: n('k'), batch: n('batch'), count: n('n') };
};
const payloads = (n: number) => Array.from({ length: n }, (_, i) => ({ to: `mailbox-${i}@example.com`, attempt: 0 }));

export class BenchQueue extends QueueObject {
  override async fetch(request: Request): Promise<Response> {
    const { route, k, batch, count } = params(request);
    const store = this.store;
    const jobs = (n: number) =>
      payloads(n).map((p) => ({ payload: JSON.stringify(p), priority: 0, runAt: undefined, maxAttempts: undefined, dedupKey: undefined }));
    if (route === 'bench-fill') {
      for (let i = 0; i < count; i += 1_000) store.enqueue(jobs(Math.min(1_000, count - i)));
      return Response.json(store.sweeper.stats(Date.now()));
    }
    if (route === 'bench-api') {
      let claimed = 0;
      for (let i = 0; i < k; i++) {
        const got = (await this.api('claim-next', { workerId: 'bench-worker', max: batch, leaseMs: 60_000 })).jobs;
        const leases = got.map((job) => ({ id: job.id, token: job.token }));
        // As doQueue() sends them: a lone complete alone, those of a batch in one request.
        if (leases.length === 1) await this.api('complete', leases[0] as object);
        else await this.api('complete-batch', { jobs: leases });
        store.enqueue(jobs(got.length));
        claimed += got.length;
      }
      return Response.json({ claimed });
    }
    if (route === 'bench-claim') {
      let claimed = 0;
      for (let i = 0; i < k; i++) {
        // As the HTTP API does it: each claim and each complete carries an idempotency key.
        // Keys as the client makes them: a counter would restart with the object and replay old answers.
        const got = store.claim('bench-worker', batch, 60_000, { id: newRequestId(), fingerprint: 'POST /claim-next' });
        store.once({ id: newRequestId(), fingerprint: 'POST /complete' }, () =>
          got.length === 1 ? store.complete(got[0]!.id, got[0]!.token) : store.completeMany(got),
        );
        store.enqueue(jobs(got.length));
        claimed += got.length;
      }
      return Response.json({ claimed });
    }
    if (route === 'bench-empty') return Response.json({ claimed: 0 });
    return super.fetch(request);
  }

  /** One API request handled in the object, as the client would send it (with an idempotency key). */
  private async api(action: string, body: object): Promise<{ jobs: { id: string; token: string }[] }> {
    const init = {
      method: 'POST',
      headers: { authorization: 'Bearer bench' },
      body: JSON.stringify({ ...body, requestId: newRequestId() }),
    };
    const response = await super.fetch(new Request(`http://queue/${action}`, init));
    if (!response.ok) throw new Error(`${action}: ${response.status} ${await response.text()}`);
    return (await response.json()) as { jobs: { id: string; token: string }[] };
  }
}

export class BenchNaive {
  private readonly queue: NaiveQueue;

  constructor(ctx: Ctx) {
    this.queue = new NaiveQueue(ctx.storage);
  }

  async fetch(request: Request): Promise<Response> {
    const { route, k, batch, count } = params(request);
    if (route === 'bench-fill') {
      await this.queue.enqueue(payloads(count));
      return Response.json({ ready: count });
    }
    if (route === 'bench-claim') {
      let claimed = 0;
      for (let i = 0; i < k; i++) {
        // S0's route: a JSON body in, a JSON answer out (no auth, no validation).
        const request = new Request('http://naive/claim-next', { method: 'POST', body: JSON.stringify({ workerId: 'bench-worker' }) });
        const { workerId } = (await request.json()) as { workerId: string };
        const answer = Response.json({ success: true, messages: await this.queue.claimNext(workerId, batch) });
        const got = ((await answer.json()) as { messages: Awaited<ReturnType<NaiveQueue['claimNext']>> }).messages;
        await this.queue.complete(got);
        await this.queue.enqueue(payloads(got.length));
        claimed += got.length;
      }
      return Response.json({ claimed });
    }
    return Response.json({ claimed: 0 });
  }
}

type Namespace = { idFromName(name: string): unknown; get(id: unknown): { fetch(request: Request): Promise<Response> } };

export default {
  fetch(request: Request, env: { OURS: Namespace; NAIVE: Namespace }): Promise<Response> {
    const [, subject, object] = new URL(request.url).pathname.split('/');
    const ns = subject === 'naive' ? env.NAIVE : env.OURS;
    return ns.get(ns.idFromName(object ?? 'x')).fetch(request);
  },
};
