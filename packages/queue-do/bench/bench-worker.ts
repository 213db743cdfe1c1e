// The Worker the benchmark runs in workerd. Each bench route does K claim + complete + refill rounds inside the
// object, so the client's timing holds K rounds of storage work plus one request; the empty route holds the request
// alone, and its time is subtracted (Date.now() inside workerd only moves across I/O, so timing happens outside).
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
    if (route === 'bench-claim') {
      let claimed = 0;
      for (let i = 0; i < k; i++) {
        // As the HTTP API does it: each claim and each complete carries an idempotency key.
        // Keys as the client makes them: a counter would restart with the object and replay old answers.
        const got = store.claim('bench-worker', batch, 60_000, newRequestId());
        store.once(newRequestId(), () => (got.length === 1 ? store.complete(got[0]!.id, got[0]!.token) : store.completeMany(got)));
        store.enqueue(jobs(got.length));
        claimed += got.length;
      }
      return Response.json({ claimed });
    }
    if (route === 'bench-empty') return Response.json({ claimed: 0 });
    return super.fetch(request);
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
        const got = await this.queue.claimNext('bench-worker', batch);
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
