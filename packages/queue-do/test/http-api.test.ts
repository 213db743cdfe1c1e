import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { doQueue } from '../src/index.js';
import { send as sendTo } from './support/raw-api.js';
import { type RunningWorker, startWorker, TOKEN } from './support/workerd.js';

let worker: RunningWorker;
beforeAll(async () => {
  worker = await startWorker();
}, 30_000);
afterAll(() => worker?.mf.dispose());

const Q = 'http-api';
let held: { id: string; token: string };

const send = (path: string, init?: Parameters<typeof sendTo>[2]) => sendTo(worker, path, init);

// One ready and one running job before each test; every refused request must leave both exactly as they were.
beforeEach(async () => {
  const q = doQueue({ url: worker.url, token: TOKEN, queue: Q });
  const before = await worker.inspect(Q);
  if (before.rows.length === 0) {
    await q.enqueue([{ payload: 'running' }, { payload: 'ready' }]);
    const [job] = await q.claim('holder', { leaseMs: 600_000 });
    held = { id: job!.id, token: job!.token };
  }
});

async function refusedUnchanged(path: string, init: Parameters<typeof send>[1], status: number, ...mentions: string[]) {
  const before = await worker.inspect(Q);
  const answer = await send(path, init);
  expect(answer.status).toBe(status);
  expect(answer.body.success).toBe(false);
  expect(answer.body.error?.message).toMatch(/^\[fleet\] \[queue-do\] /);
  for (const word of mentions) expect(answer.body.error?.message).toContain(word);
  const after = await worker.inspect(Q);
  expect(after.rows).toEqual(before.rows);
  return answer.body.error;
}

const routes: [string, string, unknown][] = [
  ['POST', 'enqueue', { jobs: [{ payload: 'x' }] }],
  ['POST', 'claim-next', { workerId: 'w' }],
  ['POST', 'complete', {}],
  ['POST', 'fail', {}],
  ['POST', 'extend', {}],
  ['GET', 'stats', undefined],
];

describe('bearer auth', () => {
  for (const [method, action, body] of routes) {
    it(`${method} /${action} refuses a missing, wrong or malformed token with 401 and changes nothing`, async () => {
      const path = `/queues/${Q}/${action}`;
      for (const auth of [null, 'Bearer wrong', `Bearer ${TOKEN}x`, `Bearer ${TOKEN.slice(0, -1)}`, TOKEN, `Basic ${TOKEN}`, 'Bearer ']) {
        const error = await refusedUnchanged(path, { method, body, auth }, 401, 'bearer token');
        expect(error?.code).toBe('unauthorized');
      }
    });
  }

  it('an object without a configured token refuses every request, even one with a token', async () => {
    const error = await send('/unconfigured/q/stats', { method: 'GET', auth: `Bearer ${TOKEN}` });
    expect(error.status).toBe(500);
    expect(error.body.error?.message).toContain('no token is configured');
  });

  it('the client turns a wrong token into invalid-options naming the cause', async () => {
    const q = doQueue({ url: worker.url, token: 'wrong', queue: Q, retries: 0 });
    await expect(q.stats()).rejects.toMatchObject({ code: 'invalid-options', message: expect.stringContaining('bearer token') });
  });
});

describe('malformed bodies: 400 naming the field, nothing changed', () => {
  const cases: [string, string, string | unknown, string[]][] = [
    ['enqueue without jobs', 'enqueue', {}, ['jobs']],
    ['enqueue with an empty list', 'enqueue', { jobs: [] }, ['jobs', 'at least one job']],
    ['enqueue of a job without payload', 'enqueue', { jobs: [{ payload: 1 }, { priority: 1 }] }, ['jobs.1.payload']],
    ['enqueue with a fractional priority', 'enqueue', { jobs: [{ payload: 1, priority: 1.5 }] }, ['jobs.0.priority', '1.5']],
    ['enqueue with a string runAt', 'enqueue', { jobs: [{ payload: 1, runAt: 'soon' }] }, ['jobs.0.runAt', '"soon"']],
    ['enqueue with maxAttempts 0', 'enqueue', { jobs: [{ payload: 1, maxAttempts: 0 }] }, ['jobs.0.maxAttempts']],
    ['enqueue with an unknown field', 'enqueue', { jobs: [{ payload: 1, prio: 2 }] }, ['jobs.0', 'prio']],
    ['claim-next without workerId', 'claim-next', {}, ['workerId']],
    ['claim-next with max 0', 'claim-next', { workerId: 'w', max: 0 }, ['max', '0 (number)']],
    ['claim-next with a string leaseMs', 'claim-next', { workerId: 'w', leaseMs: '30s' }, ['leaseMs']],
    ['claim-next with a negative leaseMs', 'claim-next', { workerId: 'w', leaseMs: -1 }, ['leaseMs']],
    ['complete without token', 'complete', { id: '1' }, ['token']],
    ['fail with a negative retryInMs', 'fail', { id: '1', token: 't', retryInMs: -5 }, ['retryInMs']],
    ['extend without leaseMs', 'extend', { id: '1', token: 't' }, ['leaseMs']],
    ['a body that is not JSON', 'claim-next', '{"workerId": ', ['claim-next body', 'JSON']],
    ['a JSON array body', 'enqueue', [1, 2], ['enqueue body']],
  ];
  for (const [label, action, body, mentions] of cases) {
    it(label, async () => {
      const init = typeof body === 'string' ? { raw: body } : { body };
      const error = await refusedUnchanged(`/queues/${Q}/${action}`, init, 400, ...mentions);
      expect(error?.code).toBe('invalid-input');
    });
  }

  it('a bad job in a batch enqueues none of it', async () => {
    await refusedUnchanged(
      `/queues/${Q}/enqueue`,
      { body: { jobs: [{ payload: 'good' }, { payload: 'good' }, { payload: 1, priority: 'x' }] } },
      400,
      'jobs.2.priority',
    );
  });

  it('a live lease is refused with 409 lease-lost for a wrong token, and kept', async () => {
    const error = await refusedUnchanged(
      `/queues/${Q}/complete`,
      { body: { id: held.id, token: 'f'.repeat(32) } },
      409,
      `job ${held.id}`,
      'token',
    );
    expect(error?.code).toBe('lease-lost');
  });
});

describe('routing', () => {
  it('an unknown action answers 404 naming the routes', async () => {
    const error = await refusedUnchanged(`/queues/${Q}/claim`, { body: {} }, 404, 'POST /claim-next');
    expect(error?.code).toBe('not-found');
  });

  it('a queue name out of the allowed characters answers 404; paths outside the base fall through', async () => {
    expect((await send('/queues/bad%20name/stats', { method: 'GET' })).status).toBe(404);
    const other = await fetch(`${worker.origin}/elsewhere`);
    expect([other.status, await other.text()]).toEqual([404, 'not found']);
  });

  it('a basePath with a trailing slash routes the same', async () => {
    const answer = await send('/unconfigured/q/stats', { method: 'GET' });
    expect(answer.body.error?.message).toContain('no token is configured');
  });
});
