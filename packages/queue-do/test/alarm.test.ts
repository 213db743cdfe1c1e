import { isFleetError } from '@fleet/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { doQueue } from '../src/index.js';
import { type RunningWorker, startWorker, TOKEN } from './support/workerd.js';

let worker: RunningWorker;
beforeAll(async () => {
  worker = await startWorker();
}, 30_000);
afterAll(() => worker?.mf.dispose());

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const queueNamed = (queue: string) => doQueue({ url: worker.url, token: TOKEN, queue });

/** Polls the object's rows (never its API, which would sweep) until `done` holds. */
async function rowsWhen(queue: string, done: (rows: Awaited<ReturnType<RunningWorker['inspect']>>['rows']) => boolean) {
  const deadline = Date.now() + 5_000;
  for (;;) {
    const { rows } = await worker.inspect(queue);
    if (done(rows) || Date.now() > deadline) return rows;
    await sleep(50);
  }
}

describe('the alarm', () => {
  it('is set to the lease expiry, and returns the expired job to ready on its own', async () => {
    const q = queueNamed('alarm-expiry');
    await q.enqueue({ payload: 'slow' });
    const [stale] = await q.claim('worker-a', { leaseMs: 400 });
    expect(stale).toBeDefined();
    const claimed = await worker.inspect('alarm-expiry');
    expect(claimed.rows[0]?.state).toBe(2);
    expect(claimed.alarm).toBe(stale?.leaseUntil);
    // Only the alarm can move the row: nothing calls the API until it has.
    const rows = await rowsWhen('alarm-expiry', (r) => r[0]?.state === 0);
    expect(rows[0]).toMatchObject({ state: 0, token: null, lost: 1, attempt: 1 });
    expect((await worker.inspect('alarm-expiry')).alarm).toBeNull();

    const error = await q.complete(stale!).catch((e: unknown) => e);
    expect(isFleetError(error, 'lease-lost')).toBe(true);
    expect((error as Error).message).toMatch(/cannot complete job \d+: its lease expired and it went back to the queue/);
    const [fresh] = await q.claim('worker-b');
    expect(fresh).toMatchObject({ id: stale?.id, attempt: 2 });
    const lateWithOldToken = await q.complete(stale!).catch((e: unknown) => e);
    expect(isFleetError(lateWithOldToken, 'lease-lost')).toBe(true);
    expect((lateWithOldToken as Error).message).toContain('the token is stale');
    await q.complete(fresh!);
    expect(await q.stats()).toMatchObject({ running: 0, ready: 0, completedTotal: 1, redeliveredTotal: 1 });
  });

  it('sends a job whose last attempt expired to dead', async () => {
    const q = queueNamed('alarm-dead');
    await q.enqueue({ payload: 'once', maxAttempts: 1 });
    await q.claim('worker-a', { leaseMs: 300 });
    const rows = await rowsWhen('alarm-dead', (r) => r[0]?.state === 3);
    expect(rows[0]?.state).toBe(3);
    expect(await q.stats()).toMatchObject({ dead: 1, running: 0, ready: 0 });
  });

  it('promotes a delayed job when its runAt comes', async () => {
    const q = queueNamed('alarm-delayed');
    await q.enqueue({ payload: 'later', runAt: Date.now() + 300 });
    const before = await worker.inspect('alarm-delayed');
    expect(before.rows[0]?.state).toBe(1);
    expect(before.alarm).toBe(before.rows[0]?.due_at);
    const rows = await rowsWhen('alarm-delayed', (r) => r[0]?.state === 0);
    expect(rows[0]?.state).toBe(0);
  });

  it('is idempotent: firing it again, early or late, changes nothing and keeps the next due time', async () => {
    const q = queueNamed('alarm-idempotent');
    await q.enqueue([{ payload: 1 }, { payload: 2 }, { payload: 3, runAt: Date.now() + 60_000 }]);
    const [held] = await q.claim('worker-a', { leaseMs: 30_000 });
    const before = await worker.inspect('alarm-idempotent');
    const first = await worker.fireAlarm('alarm-idempotent');
    const second = await worker.fireAlarm('alarm-idempotent');
    const after = await worker.inspect('alarm-idempotent');
    expect(after.rows).toEqual(before.rows);
    expect(first.alarm).toBe(held?.leaseUntil);
    expect(second.alarm).toBe(held?.leaseUntil);
    await q.complete(held!);
    expect(await q.stats()).toMatchObject({ ready: 1, delayed: 1, running: 0, completedTotal: 1 });
  });

  it('an extended lease moves past the old expiry: the alarm that fires then leaves the job running', async () => {
    const q = queueNamed('alarm-extend');
    await q.enqueue({ payload: 'long' });
    const [job] = await q.claim('worker-a', { leaseMs: 300 });
    const until = await q.extend(job!, 60_000);
    await sleep(700);
    const { rows, alarm } = await worker.inspect('alarm-extend');
    expect(rows[0]).toMatchObject({ state: 2, token: job?.token, due_at: until });
    expect(alarm).toBe(until);
    await q.complete(job!);
  });
});
