import { QUEUE_STAT_KEYS } from '@fleet/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { doQueue } from '../src/index.js';
import { type RunningWorker, startWorker, TOKEN } from './support/workerd.js';

let worker: RunningWorker;
beforeAll(async () => {
  worker = await startWorker();
}, 30_000);
afterAll(() => worker?.mf.dispose());

/** A fetch that lets the first `n` requests to `action` reach the object, then throws as if the answer was lost. */
function losingAnswers(action: string, n = 1) {
  const seen: { action: string; body: string | undefined }[] = [];
  const wrapped: typeof fetch = async (input, init) => {
    const url = String(input);
    seen.push({ action: url.slice(url.lastIndexOf('/') + 1), body: init?.body as string | undefined });
    const response = await fetch(input, init);
    if (url.endsWith(`/${action}`) && n-- > 0) {
      await response.arrayBuffer();
      throw new TypeError('fetch failed: the connection was reset (simulated after the object answered)');
    }
    return response;
  };
  return { fetch: wrapped, seen };
}

const client = (queue: string, extra: Partial<Parameters<typeof doQueue>[0]> = {}) =>
  doQueue({ url: worker.url, token: TOKEN, queue, retryDelayMs: 1, ...extra });

describe('retries never act twice', () => {
  it('a claim whose answer was lost is retried with the same key and gets the same leases, orphaning none', async () => {
    await client('retry-claim').enqueue(Array.from({ length: 250 }, (_, i) => ({ payload: i })));
    const lossy = losingAnswers('claim-next');
    const jobs = await client('retry-claim', { fetch: lossy.fetch }).claim('worker-1', { max: 200 });
    const claims = lossy.seen.filter((s) => s.action === 'claim-next');
    expect(claims).toHaveLength(2);
    expect(JSON.parse(claims[0]!.body!).requestId).toBe(JSON.parse(claims[1]!.body!).requestId);
    expect(jobs.map((j) => j.payload)).toEqual(Array.from({ length: 200 }, (_, i) => i));
    const { rows } = await worker.inspect('retry-claim');
    const running = rows.filter((r) => r.state === 2);
    expect(running).toHaveLength(200);
    expect(new Map(running.map((r) => [String(r.id), r.token]))).toEqual(new Map(jobs.map((j) => [j.id, j.token])));
    expect(await client('retry-claim').stats()).toMatchObject({ ready: 50, running: 200 });
  });

  it('without a key, the same lost answer would have orphaned a lease (why the key exists)', async () => {
    await client('retry-nokey').enqueue([{ payload: 1 }, { payload: 2 }]);
    const body = JSON.stringify({ workerId: 'w' });
    const post = () =>
      fetch(`${worker.url}/retry-nokey/claim-next`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}` }, body });
    await post();
    await post();
    expect((await worker.inspect('retry-nokey')).rows.filter((r) => r.state === 2)).toHaveLength(2);
  });

  it('a retried enqueue returns the first ids and enqueues nothing more', async () => {
    const lossy = losingAnswers('enqueue');
    const ids = await client('retry-enqueue', { fetch: lossy.fetch }).enqueue([{ payload: 'a' }, { payload: 'b' }]);
    expect(lossy.seen.filter((s) => s.action === 'enqueue')).toHaveLength(2);
    expect((await worker.inspect('retry-enqueue')).rows.map((r) => String(r.id))).toEqual(ids);
    expect(await client('retry-enqueue').stats()).toMatchObject({ ready: 2, enqueuedTotal: 2 });
  });

  it('a retried complete succeeds once instead of answering lease-lost', async () => {
    const q = client('retry-complete');
    await q.enqueue({ payload: 1 });
    const [job] = await q.claim('w');
    const lossy = losingAnswers('complete');
    await client('retry-complete', { fetch: lossy.fetch }).complete(job!);
    expect(lossy.seen.filter((s) => s.action === 'complete')).toHaveLength(2);
    expect(await q.stats()).toMatchObject({ running: 0, completedTotal: 1 });
  });
});

describe('transport failures', () => {
  it('a request that hangs times out, is retried, and ends in a timeout error', async () => {
    let calls = 0;
    const hanging: typeof fetch = (_input, init) =>
      new Promise((_, reject) => {
        calls++;
        init?.signal?.addEventListener('abort', () => reject(init.signal?.reason));
      });
    const q = client('hang', { fetch: hanging, timeoutMs: 50, retries: 2 });
    await expect(q.stats()).rejects.toMatchObject({ code: 'timeout', message: expect.stringContaining('failed after 3 tries') });
    expect(calls).toBe(3);
  });

  it('a 503 is retried; a 400 is not', async () => {
    let calls = 0;
    const flaky: typeof fetch = async (input, init) => {
      if (calls++ === 0) return new Response('overloaded', { status: 503 });
      return fetch(input, init);
    };
    expect(await client('flaky', { fetch: flaky }).stats()).toMatchObject({ ready: 0 });
    expect(calls).toBe(2);
    calls = 0;
    const counting: typeof fetch = (input, init) => {
      calls++;
      return fetch(input, init);
    };
    // 500 passes the client's own check (at most 1000) and is refused by the object, whose maxClaim is 300.
    const small = client('flaky', { fetch: counting, url: `${worker.origin}/small` });
    await expect(small.claim('w', { max: 500 })).rejects.toMatchObject({
      code: 'invalid-input',
      message: expect.stringContaining('max'),
    });
    expect(calls).toBe(1);
  });
});

describe('doQueue() options', () => {
  const cases: [string, Record<string, unknown>, string][] = [
    ['a URL that is not http(s)', { url: 'ftp://x', token: 't', queue: 'q' }, 'url'],
    ['an empty token', { url: 'http://127.0.0.1:1', token: '', queue: 'q' }, 'token'],
    ['a queue name with a slash', { url: 'http://127.0.0.1:1', token: 't', queue: 'a/b' }, 'queue'],
    ['negative retries', { url: 'http://127.0.0.1:1', token: 't', queue: 'q', retries: -1 }, 'retries'],
  ];
  for (const [label, options, field] of cases) {
    it(`refuses ${label}, naming ${field}`, () => {
      expect(() => doQueue(options as never)).toThrow(
        expect.objectContaining({ code: 'invalid-options', message: expect.stringContaining(`${field}:`) }),
      );
    });
  }
});

describe('metricSource', () => {
  it('reads the stats with the time they were read', async () => {
    const q = client('metrics');
    await q.enqueue([{ payload: 1 }, { payload: 2 }]);
    const before = Date.now();
    const reading = await q.metricSource({ prefix: 'jobs_' }).read(new AbortController().signal);
    expect(reading.jobs_ready).toMatchObject({ value: 2 });
    expect((reading.jobs_ready as { at: number }).at).toBeGreaterThanOrEqual(before);
    expect(q.metricSource().name).toBe('doQueue(metrics)');
    // It declares what it reads, so the Autoscaler can refuse a policy key no source provides.
    expect(q.metricSource({ prefix: 'jobs_' }).keys).toEqual(QUEUE_STAT_KEYS.map((key) => `jobs_${key}`));
    expect(Object.keys(reading).sort()).toEqual([...QUEUE_STAT_KEYS.map((key) => `jobs_${key}`)].sort());
  });
});

describe('completes issued together', () => {
  it('go in one request, and each caller gets its own outcome', async () => {
    const q = client('batch-complete');
    await q.enqueue(Array.from({ length: 5 }, (_, i) => ({ payload: i })));
    const jobs = await q.claim('w', { max: 5 });
    const counting = losingAnswers('none');
    const batched = client('batch-complete', { fetch: counting.fetch });
    const forged = { id: jobs[0]!.id, token: jobs[1]!.token };
    const outcomes = await Promise.allSettled([...jobs.slice(1), forged, jobs[1]!].map((job) => batched.complete(job)));
    expect(counting.seen.map((s) => s.action)).toEqual(['complete-batch']);
    expect(outcomes.slice(0, 4).map((o) => o.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled', 'fulfilled']);
    for (const outcome of outcomes.slice(4)) {
      expect(outcome).toMatchObject({ status: 'rejected', reason: { code: 'lease-lost' } });
    }
    expect((outcomes[4] as PromiseRejectedResult).reason.message).toContain(`job ${jobs[0]!.id}: the token is stale`);
    expect(await q.stats()).toMatchObject({ running: 1, completedTotal: 4 });
    await q.complete(jobs[0]!);
  });
});

describe('metricSource aborts', () => {
  it('a read stops when the Autoscaler aborts it, with code aborted', async () => {
    const hanging: typeof fetch = (_input, init) =>
      new Promise((_, reject) => init?.signal?.addEventListener('abort', () => reject(init.signal?.reason)));
    const controller = new AbortController();
    const read = client('abort', { fetch: hanging, retries: 5 }).metricSource().read(controller.signal);
    setTimeout(() => controller.abort(new Error('tick timed out')), 20);
    await expect(read).rejects.toMatchObject({ code: 'aborted' });
  });
});
