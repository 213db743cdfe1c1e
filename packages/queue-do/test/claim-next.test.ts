import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { doQueue } from '../src/index.js';
import { type RunningWorker, startWorker, TOKEN } from './support/workerd.js';

let worker: RunningWorker;
beforeAll(async () => {
  worker = await startWorker();
}, 30_000);
afterAll(() => worker?.mf.dispose());

/** S0's route, called as S0's workers call it: one POST per worker, no client library. */
async function claimNext(queue: string, workerId: string) {
  const response = await fetch(`${worker.url}/${queue}/claim-next`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ workerId }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe('POST /claim-next (S0 shape)', () => {
  it('500 concurrent claims over 300 jobs: 300 distinct jobs, 200 empty answers, no duplicate', async () => {
    const queue = doQueue({ url: worker.url, token: TOKEN, queue: 's0-race' });
    await queue.enqueue(Array.from({ length: 300 }, (_, i) => ({ payload: { message: i } })));
    const answers = await Promise.all(Array.from({ length: 500 }, (_, i) => claimNext('s0-race', `ai-bot-worker-${(i % 10) + 1}`)));
    expect(answers.every((a) => a.status === 200)).toBe(true);
    const won = answers.filter((a) => a.body.success === true);
    const empty = answers.filter((a) => a.body.success === false);
    expect(empty).toHaveLength(200);
    for (const { body } of empty) expect(body).toEqual({ success: false, message: null, reason: 'no_pending_messages', jobs: [] });
    expect(won).toHaveLength(300);
    const ids = won.map((a) => (a.body.message as { id: string }).id);
    const payloads = won.map((a) => (a.body.message as { payload: { message: number } }).payload.message);
    expect(new Set(ids).size).toBe(300);
    expect(new Set(payloads).size).toBe(300);
    // The object's own rows agree: every job is running under exactly the token one worker was given.
    const { rows } = await worker.inspect('s0-race');
    const tokens = new Map(won.map((a) => [(a.body.message as { id: string }).id, (a.body.message as { token: string }).token]));
    expect(rows.filter((r) => r.state === 2)).toHaveLength(300);
    for (const row of rows) expect(row.token).toBe(tokens.get(String(row.id)));
  });

  it('a claimed message carries its lease; the batch extension returns up to max jobs', async () => {
    const queue = doQueue({ url: worker.url, token: TOKEN, queue: 's0-batch' });
    await queue.enqueue([{ payload: 'a' }, { payload: 'b' }, { payload: 'c' }]);
    const { body } = await claimNext('s0-batch', 'ai-bot-worker-1');
    const message = body.message as Record<string, unknown>;
    expect(Object.keys(message).sort()).toEqual(['attempt', 'id', 'leaseUntil', 'payload', 'token']);
    expect(message.payload).toBe('a');
    expect(body.jobs).toEqual([message]);
    const batch = await queue.claim('ai-bot-worker-2', { max: 5 });
    expect(batch.map((j) => j.payload)).toEqual(['b', 'c']);
  });
});
