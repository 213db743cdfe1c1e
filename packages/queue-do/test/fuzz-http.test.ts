import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { badBodies, badPaths, ROUTES } from './support/fuzz-inputs.js';
import { snapshot } from './support/raw-api.js';
import { type RawAnswer, type RawRequest, rawRequest } from './support/raw-http.js';
import { type RunningWorker, startWorker, TOKEN } from './support/workerd.js';

// Every queue-do route, sent what a hostile or broken client might send, in the real workerd. Each request must get
// a 4xx with a clear JSON error, and leave the queue exactly as it was. Seeded: a failure prints the seed and the
// shrunk input; FUZZ_SEED=<seed> replays it.
const SEED = Number(process.env.FUZZ_SEED ?? 17_2026);
const Q = 'fuzz';

let worker: RunningWorker;
let lease: { id: string; token: string };
let before: Awaited<ReturnType<typeof snapshot>>;

beforeAll(async () => {
  worker = await startWorker();
  const post = async (action: string, body: unknown) =>
    (await fetch(`${worker.url}/${Q}/${action}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}` },
      body: JSON.stringify(body),
    }).then((r) => r.json())) as { jobs: { id: string; token: string }[] };
  // A running job (its lease is what the lease routes name), a ready one and a dead one.
  await post('enqueue', { jobs: [{ payload: 'dies', maxAttempts: 1 }, { payload: 'running' }, { payload: 'ready' }] });
  const [dying] = (await post('claim-next', { workerId: 'w', leaseMs: 600_000 })).jobs;
  await post('fail', { id: dying?.id, token: dying?.token, error: 'gone' });
  const [running] = (await post('claim-next', { workerId: 'w', leaseMs: 600_000 })).jobs;
  lease = { id: running?.id ?? '', token: running?.token ?? '' };
  before = await snapshot(worker, Q);
  expect(before.counts).toMatchObject({ ready: 1, running: 1, dead: 1 });
}, 30_000);
afterAll(() => worker?.mf.dispose());

const options = (numRuns: number) => ({ seed: SEED, numRuns, endOnFailure: true });

/** Checks an answer is a 4xx JSON error of the API that names no secret, and that the queue is as it was. */
async function refusedCleanly(answer: RawAnswer, statuses?: number[]) {
  expect(answer.status, answer.text).toBeGreaterThanOrEqual(400);
  expect(answer.status, answer.text).toBeLessThan(500);
  if (statuses) expect(statuses, answer.text).toContain(answer.status);
  expect(answer.type).toContain('application/json');
  const body = JSON.parse(answer.text) as { success: unknown; error: { code: unknown; message: unknown } };
  expect(body.success).toBe(false);
  expect(typeof body.error.code).toBe('string');
  expect(body.error.message).toMatch(/^\[fleet\] \[queue-do\] \S/);
  expect((body.error.message as string).length).toBeLessThan(2_000);
  expect(body.error.message).not.toContain(TOKEN);
  expect(await snapshot(worker, Q)).toEqual(before);
}

const AUTH = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' };
/** Everything that is not the right token: missing, wrong, padded, another scheme, twice, in the query. */
const badAuth = fc.constantFrom<Record<string, string | string[]>>(
  {},
  { authorization: 'Bearer wrong' },
  { authorization: `Bearer ${TOKEN}x` },
  { authorization: `Bearer ${TOKEN} extra` },
  { authorization: `Basic ${TOKEN}` },
  { authorization: TOKEN },
  { authorization: 'Bearer ' },
  { authorization: [`Bearer ${TOKEN}`, `Bearer ${TOKEN}`] },
  { 'x-authorization': `Bearer ${TOKEN}` },
);
const anyMethod = fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS');

describe('HTTP API fuzz: every refusal is a 4xx JSON error and writes nothing', () => {
  it('authenticated: malformed, mistyped, absurd, unicode, deep and oversized bodies on every POST route', async () => {
    await fc.assert(
      fc.asyncProperty(badBodies(lease), fc.boolean(), async (bad, chunked) => {
        const request: RawRequest = { method: 'POST', path: `/queues/${Q}/${bad.action}`, headers: AUTH, body: bad.body, chunked };
        await refusedCleanly(await rawRequest(worker.origin, request), [400, 413]);
      }),
      options(250),
    );
  }, 60_000);

  it('unauthenticated: any body on any route gets 401 before it is looked at', async () => {
    const validOrNot = fc.oneof(
      fc.constantFrom(...ROUTES).map((r) => ({ action: r.action, body: Buffer.from(JSON.stringify(r.body)) })),
      badBodies(lease),
      fc.constant({ action: 'stats', body: Buffer.alloc(0) }),
    );
    await fc.assert(
      fc.asyncProperty(validOrNot, badAuth, fc.boolean(), async (bad, headers, chunked) => {
        const method = bad.action === 'stats' ? 'GET' : 'POST';
        const request: RawRequest = { method, path: `/queues/${Q}/${bad.action}`, headers, chunked };
        if (bad.body.length > 0) request.body = bad.body;
        await refusedCleanly(await rawRequest(worker.origin, request), [401]);
      }),
      options(150),
    );
  }, 60_000);

  it('path tricks, unknown routes and wrong methods, with and without the token', async () => {
    const wrongMethod = fc
      .constantFrom(...ROUTES.map((r) => r.action), 'stats')
      .chain((action) =>
        anyMethod.filter((m) => m !== (action === 'stats' ? 'GET' : 'POST')).map((method) => ({ method, path: `/queues/${Q}/${action}` })),
      );
    const trick = fc.tuple(badPaths, anyMethod).map(([path, method]) => ({ method, path }));
    await fc.assert(
      fc.asyncProperty(fc.oneof(wrongMethod, trick), fc.oneof(fc.constant(AUTH), badAuth), async (target, headers) => {
        const request: RawRequest = { ...target, headers };
        if (target.method !== 'GET') request.body = Buffer.from('{"workerId":"w"}');
        // The router refuses a malformed path itself (404); the object checks the token first (401), then the route.
        await refusedCleanly(await rawRequest(worker.origin, request), headers === AUTH ? [404] : [401, 404]);
      }),
      options(150),
    );
  }, 60_000);
});
