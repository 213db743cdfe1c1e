import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { doQueue } from '../src/index.js';
import { type RunningWorker, startWorker, TOKEN } from './support/workerd.js';

let worker: RunningWorker;
beforeAll(async () => {
  worker = await startWorker();
}, 30_000);
afterAll(() => worker?.mf.dispose());

const client = (queue: string) => doQueue({ url: worker.url, token: TOKEN, queue, retryDelayMs: 1 });
const never = () => new AbortController().signal;

/** Makes each of `payloads` dead (one attempt, failed), in order. */
async function killAll(queue: string, payloads: unknown[], dedupKeys: (string | undefined)[] = []) {
  const q = client(queue);
  await q.enqueue(payloads.map((payload, i) => ({ payload, maxAttempts: 1, ...(dedupKeys[i] ? { dedupKey: dedupKeys[i] } : {}) })));
  for (const job of await q.claim('w', { max: payloads.length })) await q.fail(job, new Error(`boom ${String(job.payload)}`));
  return q;
}

describe('dead jobs', () => {
  it('listDead shows dead jobs oldest death first, with attempts, error and dedup key; limit and offset page', async () => {
    const q = await killAll('dead-list', ['a', 'b', 'c'], [undefined, 'key-b']);
    const dead = await q.listDead();
    expect(dead.map((j) => [j.payload, j.attempts, j.lastError])).toEqual([
      ['a', 1, 'boom a'],
      ['b', 1, 'boom b'],
      ['c', 1, 'boom c'],
    ]);
    expect(dead[1]?.dedupKey).toBe('key-b');
    expect(dead[0]).not.toHaveProperty('dedupKey');
    expect(dead.every((j) => Math.abs(j.diedAt - Date.now()) < 60_000)).toBe(true);
    expect((await q.listDead({ limit: 1, offset: 1 })).map((j) => j.payload)).toEqual(['b']);
    expect((await q.stats()).dead).toBe(3);
  });

  it('requeueDead revives the ids given with fresh attempts, then all the rest; a job whose dedupKey is live again stays dead', async () => {
    const q = await killAll('dead-requeue', ['a', 'b', 'c'], [undefined, undefined, 'key-c']);
    const [a, b, c] = await q.listDead();
    await q.enqueue({ payload: 'c again', dedupKey: 'key-c' });
    expect(await q.requeueDead([b!.id, 'not-an-id', '999999'])).toEqual([b!.id]);
    expect(await q.requeueDead()).toEqual([a!.id]);
    expect((await q.listDead()).map((j) => j.id)).toEqual([c!.id]);
    // Revived jobs are ready from the time they were revived, so they queue behind 'c again'.
    const claimed = await q.claim('w', { max: 5 });
    expect(claimed[0]?.payload).toBe('c again');
    expect(claimed.map((j) => [j.payload, j.attempt]).sort()).toEqual([
      ['a', 1],
      ['b', 1],
      ['c again', 1],
    ]);
    expect(await q.requeueDead([])).toEqual([]);
  });

  it('refuses bad options naming the field, and the object refuses a bad body with 400', async () => {
    const q = client('dead-bad');
    await expect(q.listDead({ limit: 0 })).rejects.toMatchObject({ code: 'invalid-input', message: expect.stringContaining('limit') });
    await expect(q.listDead({ limit: 5_000 })).rejects.toMatchObject({ code: 'invalid-input' });
    await expect(q.requeueDead('1' as never)).rejects.toMatchObject({ code: 'invalid-input', message: expect.stringContaining('ids') });
    const post = (action: string, body: unknown, auth = `Bearer ${TOKEN}`) =>
      fetch(`${worker.url}/dead-bad/${action}`, { method: 'POST', headers: { authorization: auth }, body: JSON.stringify(body) });
    const bad = await post('requeue-dead', { ids: [1] });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain('ids.0');
    expect((await post('list-dead', { limit: 'x' })).status).toBe(400);
    expect((await post('wait', { timeoutMs: 60_000 })).status).toBe(400);
    for (const action of ['list-dead', 'requeue-dead', 'wait']) expect((await post(action, {}, 'Bearer wrong')).status).toBe(401);
  });
});

describe('waitForJobs', () => {
  it('returns at once when a job is ready, and after the timeout when none comes', async () => {
    const q = client('wait-timeout');
    let started = Date.now();
    await q.waitForJobs(400, never());
    expect(Date.now() - started).toBeGreaterThanOrEqual(350);
    await q.enqueue({ payload: 1 });
    started = Date.now();
    await q.waitForJobs(10_000, never());
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('wakes a parked worker on an enqueue from another client, long before its timeout', async () => {
    const idle = client('wait-enqueue');
    const started = Date.now();
    const woke = idle.waitForJobs(20_000, never()).then(() => Date.now() - started);
    await new Promise((r) => setTimeout(r, 300));
    await client('wait-enqueue').enqueue({ payload: 'hello' });
    expect(await woke).toBeLessThan(5_000);
    expect((await idle.claim('w')).map((j) => j.payload)).toEqual(['hello']);
  });

  it('wakes when a delayed job falls due and when a lease expires, without any other request', async () => {
    const q = client('wait-due');
    let started = Date.now();
    await q.enqueue({ payload: 'later', runAt: started + 700 });
    await q.waitForJobs(20_000, never());
    expect(Date.now() - started).toBeGreaterThanOrEqual(650);
    expect(Date.now() - started).toBeLessThan(5_000);
    const [job] = await q.claim('w', { leaseMs: 700 });
    expect(job?.payload).toBe('later');
    started = Date.now();
    await q.waitForJobs(20_000, never());
    expect(Date.now() - started).toBeLessThan(5_000);
    expect((await q.claim('w')).map((j) => j.attempt)).toEqual([2]);
  });

  it('resolves (never rejects) when the signal aborts, and when the object cannot be reached', async () => {
    const controller = new AbortController();
    const started = Date.now();
    const waiting = client('wait-abort').waitForJobs(20_000, controller.signal);
    setTimeout(() => controller.abort(), 200);
    await expect(waiting).resolves.toBeUndefined();
    expect(Date.now() - started).toBeLessThan(3_000);
    const unreachable = doQueue({ url: 'http://127.0.0.1:9/queues', token: TOKEN, queue: 'x', timeoutMs: 500 });
    await expect(unreachable.waitForJobs(300, never())).resolves.toBeUndefined();
  });
});
