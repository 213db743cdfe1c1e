import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { doQueue } from '../src/index.js';
import { type RunningWorker, startWorker, TOKEN } from './support/workerd.js';

let worker: RunningWorker;
beforeAll(async () => {
  worker = await startWorker();
}, 30_000);
afterAll(() => worker?.mf.dispose());

const small = (queue: string) => doQueue({ url: `${worker.origin}/small`, token: TOKEN, queue });
const regular = (queue: string) => doQueue({ url: worker.url, token: TOKEN, queue });

describe('platform limits', () => {
  it('a batch far past 100 bound parameters is inserted in chunks, ids in order, claimed in order', async () => {
    const q = regular('big-batch');
    const ids = await q.enqueue(Array.from({ length: 1_000 }, (_, i) => ({ payload: { i }, dedupKey: `k${i % 900}` })));
    expect(ids.slice(900)).toEqual(ids.slice(0, 100));
    expect(new Set(ids).size).toBe(900);
    const { rows } = await worker.inspect('big-batch');
    expect(rows.map((r) => String(r.id))).toEqual(ids.slice(0, 900));
    const jobs = await q.claim('w', { max: 900 });
    expect(jobs.map((j) => (j.payload as { i: number }).i)).toEqual(Array.from({ length: 900 }, (_, i) => i));
  });

  it('a payload of 1 MB round-trips; one past what a row holds is refused naming the job, and nothing is written', async () => {
    const q = regular('big-payload');
    const megabyte = 'x'.repeat(1_000_000);
    await q.enqueue({ payload: megabyte });
    expect((await q.claim('w'))[0]?.payload).toBe(megabyte);

    const s = small('too-big');
    // This object asked for 5 MB payloads; the object holds it to what a 2 MB row can take.
    const error = await s.enqueue([{ payload: 'fits' }, { payload: 'y'.repeat(1_950_000) }]).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'invalid-input' });
    expect((error as Error).message).toContain('jobs.1.payload: the payload is 1950002 bytes of JSON, more than the 1900000');
    expect((await worker.inspect('too-big', '/small')).rows).toEqual([]);
  });

  it('multi-byte text counts in UTF-8 bytes', async () => {
    const s = small('utf8');
    const error = await s.enqueue({ payload: '✓'.repeat(700_000) }).catch((e: unknown) => e);
    expect((error as Error).message).toContain('2100002 bytes');
  });

  it('a batch claim stops at the byte budget, but always takes one job', async () => {
    const s = small('budget');
    await s.enqueue([{ payload: 'a'.repeat(3_000) }, ...Array.from({ length: 5 }, () => ({ payload: 'b'.repeat(1_000) }))]);
    expect(await s.claim('w', { max: 6 })).toHaveLength(1);
    const next = await s.claim('w', { max: 6 });
    expect(next.map((j) => (j.payload as string).length)).toEqual([1_000, 1_000, 1_000]);
  });

  it("a claim past the object's maxClaim is refused naming max", async () => {
    await expect(small('max').claim('w', { max: 301 })).rejects.toMatchObject({
      code: 'invalid-input',
      message: expect.stringContaining('max:'),
    });
  });
});
