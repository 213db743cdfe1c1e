import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { refusedUnchanged, send } from './support/raw-api.js';
import { type RunningWorker, startWorker } from './support/workerd.js';

let worker: RunningWorker;
beforeAll(async () => {
  worker = await startWorker();
}, 30_000);
afterAll(() => worker?.mf.dispose());

const conflict = { status: 409, code: 'idempotency-conflict' };

/** A queue holding one running job (claimed with a long lease), and the key its enqueue used. */
async function queueWithHeldJob(queue: string) {
  const enqueued = await send(worker, `/queues/${queue}/enqueue`, {
    body: { jobs: [{ payload: 'a' }, { payload: 'b' }], requestId: 'enq-1' },
  });
  expect(enqueued.status).toBe(200);
  const claimed = await send(worker, `/queues/${queue}/claim-next`, { body: { workerId: 'w', leaseMs: 600_000 } });
  const { id, token } = (claimed.body.jobs ?? [])[0] as { id: string; token: string };
  return { held: { id, token }, key: 'enq-1' };
}

describe('idempotency keys name one request', () => {
  it('a key first used by an enqueue, replayed on a complete, is refused with 409 and completes nothing', async () => {
    const { held, key } = await queueWithHeldJob('cross-complete');
    const message = await refusedUnchanged(worker, 'cross-complete', 'complete', { body: { ...held, requestId: key } }, conflict);
    expect(message).toContain('requestId "enq-1" was first used by POST /enqueue');
    // The job is still held: its holder completes it now.
    expect((await send(worker, '/queues/cross-complete/complete', { body: held })).status).toBe(200);
  });

  it('a key first used by an enqueue, replayed on a claim, is refused with 409 (not a 500) and claims nothing', async () => {
    const { key } = await queueWithHeldJob('cross-claim');
    await refusedUnchanged(
      worker,
      'cross-claim',
      'claim-next',
      { body: { workerId: 'w2', requestId: key } },
      { ...conflict, mentions: ['POST /enqueue'] },
    );
  });

  it('every mutating route refuses a key another route used, changing nothing', async () => {
    const { held, key } = await queueWithHeldJob('cross-all');
    const bodies: [string, object][] = [
      ['fail', { ...held, retryInMs: 0 }],
      ['extend', { ...held, leaseMs: 1_000 }],
      ['complete-batch', { jobs: [held] }],
      ['requeue-dead', {}],
    ];
    for (const [action, body] of bodies) {
      await refusedUnchanged(
        worker,
        'cross-all',
        action,
        { body: { ...body, requestId: key } },
        { ...conflict, mentions: ['POST /enqueue'] },
      );
    }
  });

  it('the same route with another body is refused with 409, naming the conflict', async () => {
    await queueWithHeldJob('other-body');
    const message = await refusedUnchanged(
      worker,
      'other-body',
      'enqueue',
      { body: { jobs: [{ payload: 'c' }], requestId: 'enq-1' } },
      conflict,
    );
    expect(message).toContain('first used by another POST /enqueue (with a different body)');
  });

  it('a true replay (same route, same body) gets the stored answer and changes nothing', async () => {
    const body = { jobs: [{ payload: 'once' }], requestId: 'replay-1' };
    const first = await send(worker, '/queues/replay/enqueue', { body });
    const again = await send(worker, '/queues/replay/enqueue', { body });
    expect(again).toEqual(first);
    expect((await worker.inspect('replay')).rows).toHaveLength(1);

    const claim = { workerId: 'w', requestId: 'claim-1' };
    const claimed = await send(worker, '/queues/replay/claim-next', { body: claim });
    expect(await send(worker, '/queues/replay/claim-next', { body: claim })).toEqual(claimed);
    const { id, token } = (claimed.body.jobs ?? [])[0] as { id: string; token: string };
    const complete = { id, token, requestId: 'complete-1' };
    expect((await send(worker, '/queues/replay/complete', { body: complete })).status).toBe(200);
    // Replayed after the job is gone: the remembered success, not a lease-lost.
    expect(await send(worker, '/queues/replay/complete', { body: complete })).toEqual({ status: 200, body: { success: true } });
  });
});
