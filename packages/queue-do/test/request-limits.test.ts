import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProbeAnswer } from './support/pull-probe.js';
import { type RunningWorker, startWorker, TOKEN } from './support/workerd.js';

let worker: RunningWorker;
beforeAll(async () => {
  worker = await startWorker();
}, 30_000);
afterAll(() => worker?.mf.dispose());

const MB = 1024 * 1024;
/** What a refusal may read of a body it never wanted: the 64 KiB drained for a small body, and one chunk. */
const REFUSAL_READS = 64 * 1024 + 16 * 1024 + 64;
const AUTH = `Bearer ${TOKEN}`;

/** POSTs a body of `total` bytes (the `prefix`, then spaces) from inside workerd, counting what the object pulled. */
async function probe(path: string, total: number, o: { auth?: string; framing: 'length' | 'chunked'; prefix?: string }) {
  const params = new URLSearchParams({ path, total: String(total), framing: o.framing, prefix: o.prefix ?? '' });
  if (o.auth !== undefined) params.set('auth', o.auth);
  return (await (await fetch(`${worker.origin}/pull-probe?${params}`)).json()) as ProbeAnswer;
}

describe('a refused body is not read', () => {
  for (const framing of ['length', 'chunked'] as const) {
    for (const auth of [undefined, 'Bearer wrong']) {
      it(`a 32 MB body (${framing}) with ${auth ? 'a wrong' : 'no'} token gets 401 with almost none of it pulled`, async () => {
        const answer = await probe('/queues/anon/enqueue', 32 * MB, { framing, ...(auth ? { auth } : {}), prefix: '{"jobs":[' });
        expect(answer.status).toBe(401);
        expect(answer.body.error?.code).toBe('unauthorized');
        expect(answer.pulled).toBeLessThanOrEqual(REFUSAL_READS);
      });
    }
  }

  it('an unknown route gets 404 with almost none of its body pulled', async () => {
    const answer = await probe('/queues/anon/enqueue-all', 32 * MB, { framing: 'chunked', auth: AUTH });
    expect([answer.status, answer.body.error?.code]).toEqual([404, 'not-found']);
    expect(answer.pulled).toBeLessThanOrEqual(REFUSAL_READS);
  });
});

describe('body limits per route', () => {
  it('a content-length above the route limit gets 413 naming the limit before a byte is read', async () => {
    const answer = await probe('/queues/announced/enqueue', 32 * MB, { framing: 'length', auth: AUTH, prefix: '{"jobs":[' });
    expect([answer.status, answer.body.error?.code]).toEqual([413, 'body-too-large']);
    expect(answer.body.error?.message).toContain('33554432 bytes announced, more than the 8388608 bytes this route takes');
    expect(answer.pulled).toBeLessThanOrEqual(REFUSAL_READS);
    expect((await worker.inspect('announced')).rows).toEqual([]);
  });

  it('a chunked enqueue that grows past the limit is cut off there: 413, and nothing is written', async () => {
    const prefix = '{"jobs":[{"payload":1},{"payload":"';
    const answer = await probe('/queues/chunked/enqueue', 32 * MB, { framing: 'chunked', auth: AUTH, prefix });
    expect([answer.status, answer.body.error?.code]).toEqual([413, 'body-too-large']);
    expect(answer.body.error?.message).toMatch(/POST \/enqueue body: cut off after \d+ bytes, more than the 8388608 bytes/);
    expect(answer.pulled).toBeLessThanOrEqual(8 * MB + REFUSAL_READS);
    expect((await worker.inspect('chunked')).rows).toEqual([]);
  });

  // The limits of an object with default options; /small's enqueue limit is its maxEnqueueBytes.
  const limits: [string, number][] = [
    ['/queues/l/enqueue', 8_388_608],
    ['/small/l/enqueue', 3_000_000],
    ['/queues/l/claim-next', 16_384],
    ['/queues/l/complete', 16_384],
    ['/queues/l/extend', 16_384],
    ['/queues/l/wait', 16_384],
    ['/queues/l/list-dead', 16_384],
    ['/queues/l/fail', 16_384 + 6 * 65_536],
    ['/queues/l/complete-batch', 16_384 + 512 * 1_000],
    ['/queues/l/requeue-dead', 16_384 + 64 * 10_000],
  ];
  for (const [path, limit] of limits) {
    it(`${path}: ${limit} bytes are read and parsed, one more gets 413`, async () => {
      // An unknown key padded with spaces: within the limit it reaches validation (400), one byte more it is refused unread.
      for (const framing of ['length', 'chunked'] as const) {
        const fits = await probe(path, limit, { framing, auth: AUTH, prefix: '{"unknown":1}' });
        expect([fits.status, fits.body.error?.code]).toEqual([400, 'invalid-input']);
        const over = await probe(path, limit + 1, { framing, auth: AUTH, prefix: '{"unknown":1}' });
        expect([over.status, over.body.error?.code]).toEqual([413, 'body-too-large']);
        expect(over.body.error?.message).toContain(`more than the ${limit} bytes this route takes`);
      }
    });
  }
});
