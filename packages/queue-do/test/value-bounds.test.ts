import { MAX_TIMER_MS, QUEUE_LIMITS } from '@fleet/core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { OBJECT_LIMITS } from '../src/object/queue-limits.js';
import { refusedUnchanged, send } from './support/raw-api.js';
import { type RunningWorker, startWorker } from './support/workerd.js';

let worker: RunningWorker;
beforeAll(async () => {
  worker = await startWorker();
}, 30_000);
afterAll(() => worker?.mf.dispose());

const Q = 'bounds';
let held: { id: string; token: string };

// One ready and one running job; every refused request must leave the rows and the stats as they were.
beforeEach(async () => {
  if ((await worker.inspect(Q)).rows.length > 0) return;
  await send(worker, `/queues/${Q}/enqueue`, { body: { jobs: [{ payload: 'running' }, { payload: 'ready' }] } });
  const { id, token } = ((await send(worker, `/queues/${Q}/claim-next`, { body: { workerId: 'w', leaseMs: 600_000 } })).body.jobs ??
    [])[0] as {
    id: string;
    token: string;
  };
  held = { id, token };
});

const nested = (depth: number): unknown => {
  let value: unknown = 1;
  for (let i = 0; i < depth; i++) value = [value];
  return value;
};

// [label, action, body (a function of the held lease), the field the message names]
const cases: [string, string, (lease: typeof held) => unknown, string][] = [
  ['runAt 1e308', 'enqueue', () => ({ jobs: [{ payload: 1, runAt: 1e308 }] }), 'jobs.0.runAt'],
  ['runAt -1e308', 'enqueue', () => ({ jobs: [{ payload: 1, runAt: -1e308 }] }), 'jobs.0.runAt'],
  ['runAt before 1970', 'enqueue', () => ({ jobs: [{ payload: 1, runAt: -1 }] }), 'jobs.0.runAt'],
  ['runAt past year 9999', 'enqueue', () => ({ jobs: [{ payload: 1, runAt: QUEUE_LIMITS.maxRunAt + 1 }] }), 'jobs.0.runAt'],
  ['priority 2^31', 'enqueue', () => ({ jobs: [{ payload: 1, priority: 2 ** 31 }] }), 'jobs.0.priority'],
  ['priority 1e308', 'enqueue', () => ({ jobs: [{ payload: 1, priority: 1e308 }] }), 'jobs.0.priority'],
  ['maxAttempts past a million', 'enqueue', () => ({ jobs: [{ payload: 1, maxAttempts: 1_000_001 }] }), 'jobs.0.maxAttempts'],
  ['a NUL in a dedupKey', 'enqueue', () => ({ jobs: [{ payload: 1, dedupKey: 'a\0b' }] }), 'jobs.0.dedupKey'],
  ['a lone surrogate in a dedupKey', 'enqueue', () => ({ jobs: [{ payload: 1, dedupKey: 'a\uD800' }] }), 'jobs.0.dedupKey'],
  ['a payload nested 513 deep', 'enqueue', () => ({ jobs: [{ payload: nested(513) }] }), 'jobs.0.payload'],
  ['a NUL in a requestId', 'enqueue', () => ({ jobs: [{ payload: 1 }], requestId: '\0' }), 'requestId'],
  ['leaseMs past a timer', 'claim-next', () => ({ workerId: 'w', leaseMs: MAX_TIMER_MS + 1 }), 'leaseMs'],
  ['leaseMs 1e308', 'claim-next', () => ({ workerId: 'w', leaseMs: 1e308 }), 'leaseMs'],
  ['max past 1000', 'claim-next', () => ({ workerId: 'w', max: 1_001 }), 'max'],
  ['max 2^53 + 1', 'claim-next', () => ({ workerId: 'w', max: 2 ** 53 + 2 }), 'max'],
  ['a NUL in a workerId', 'claim-next', () => ({ workerId: 'w\0' }), 'workerId'],
  ['a lone surrogate in a workerId', 'claim-next', () => ({ workerId: '\uDC00w' }), 'workerId'],
  ['retryInMs 1e308', 'fail', (l) => ({ ...l, retryInMs: 1e308 }), 'retryInMs'],
  ['retryInMs past a timer', 'fail', (l) => ({ ...l, retryInMs: MAX_TIMER_MS + 1 }), 'retryInMs'],
  ['a NUL in a token', 'complete', (l) => ({ id: l.id, token: `${l.token}\0` }), 'token'],
  ['extend leaseMs past a timer', 'extend', (l) => ({ ...l, leaseMs: MAX_TIMER_MS + 1 }), 'leaseMs'],
  ['extend leaseMs -0', 'extend', (l) => ({ ...l, leaseMs: -0 }), 'leaseMs'],
  ['wait timeoutMs 1e308', 'wait', () => ({ timeoutMs: 1e308 }), 'timeoutMs'],
  ['list-dead limit past 1000', 'list-dead', () => ({ limit: 1_001 }), 'limit'],
  ['list-dead offset 2^53 + 2', 'list-dead', () => ({ offset: 2 ** 53 + 2 }), 'offset'],
  ['list-dead offset 1e308', 'list-dead', () => ({ offset: 1e308 }), 'offset'],
  ['requeue-dead of an id past 16 digits', 'requeue-dead', () => ({ ids: ['12345678901234567'] }), 'ids.0'],
];

describe('every numeric and text field is checked against what the store holds, before anything is written', () => {
  for (const [label, action, body, field] of cases) {
    it(`${action}: ${label} gets 400 naming ${field}`, async () => {
      const message = await refusedUnchanged(worker, Q, action, { body: body(held) }, { status: 400, code: 'invalid-input' });
      expect(message).toContain(`${field}: `);
    });
  }

  it('the bounds themselves are accepted: runAt at the end of year 9999, priority ±2^31, a payload nested 512 deep', async () => {
    const jobs = [
      { payload: 'late', runAt: QUEUE_LIMITS.maxRunAt, priority: QUEUE_LIMITS.maxPriority, maxAttempts: QUEUE_LIMITS.maxAttempts },
      { payload: nested(512), runAt: 0, priority: QUEUE_LIMITS.minPriority },
      { payload: nested(512), priority: QUEUE_LIMITS.minPriority },
    ];
    const answer = await send(worker, '/queues/edges/enqueue', { body: { jobs } });
    expect(answer.status).toBe(200);
    // The platform's alarms stop at 2189: the year-9999 job's alarm is set there (it re-schedules when it fires).
    expect((await worker.inspect('edges')).alarm).toBe(Date.UTC(2189, 0, 1));
    // Both deep payloads come back through the batch claim's JSON (SQLite refuses 1,000 levels).
    const claimed = await send(worker, '/queues/edges/claim-next', { body: { workerId: 'w', max: 10, leaseMs: MAX_TIMER_MS } });
    expect(claimed.status).toBe(200);
    expect(claimed.body.jobs?.map((j) => (j as unknown as { payload: unknown }).payload)).toEqual([nested(512), nested(512)]);
    const stats = (await send(worker, '/queues/edges/stats', { method: 'GET' })).body as unknown as { stats: Record<string, number> };
    expect(stats.stats).toMatchObject({ delayed: 1, running: 2 });
    expect(stats.stats.oldestReadyAgeMs).toBe(0);
  });

  it('a fail message is free text: a surrogate pair cut in half by a client is stored, not refused', async () => {
    await send(worker, '/queues/free-text/enqueue', { body: { jobs: [{ payload: 1, maxAttempts: 1 }] } });
    const { id, token } = ((await send(worker, '/queues/free-text/claim-next', { body: { workerId: 'w' } })).body.jobs ?? [])[0] as {
      id: string;
      token: string;
    };
    expect((await send(worker, '/queues/free-text/fail', { body: { id, token, error: 'cut \uD83D' } })).status).toBe(200);
    const dead = (await send(worker, '/queues/free-text/list-dead', { body: {} })).body.jobs as unknown as { lastError: string }[];
    expect(dead.map((j) => j.lastError)).toEqual(['cut \uFFFD']);
  });

  it("the object's bounds are core's, so the Node client and the object refuse the same values", () => {
    const { minPriority, maxPriority, maxAttempts, maxRunAt, maxClaim, maxLeaseMs } = QUEUE_LIMITS;
    expect(OBJECT_LIMITS).toEqual({ minPriority, maxPriority, maxAttempts, maxRunAt, maxClaim, maxLeaseMs });
    expect(OBJECT_LIMITS.maxLeaseMs).toBe(MAX_TIMER_MS);
  });
});
