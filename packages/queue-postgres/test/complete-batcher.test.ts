import { describe, expect, it } from 'vitest';
import { CompleteBatcher, type CompleteOutcome, type CompleteRequest } from '../src/complete-batcher.js';

/** A statement the test finishes by hand: every call is recorded with its requests and its own resolver. */
function manualStatement() {
  const calls: { requests: CompleteRequest[]; finish: (o: CompleteOutcome<string>) => void; fail: (e: unknown) => void }[] = [];
  const send = (requests: CompleteRequest[]) =>
    new Promise<CompleteOutcome<string>>((finish, fail) => {
      calls.push({ requests, finish, fail });
    });
  return { calls, send };
}

const complete = (id: string, want = 0): CompleteRequest => ({ id, token: `t${id}`, want, workerId: 'w', leaseMs: 1000 });
const claim = (want: number): CompleteRequest => ({ id: null, token: null, want, workerId: 'w', leaseMs: 1000 });
const turn = () => new Promise((resolve) => setImmediate(resolve));

describe('CompleteBatcher', () => {
  it('sends what arrives in one turn as one statement, and what arrives meanwhile as the next one', async () => {
    const { calls, send } = manualStatement();
    const batcher = new CompleteBatcher(send);
    const first = [batcher.submit(complete('1')), batcher.submit(complete('2', 1))];
    await turn();
    expect(calls.map((c) => c.requests.map((r) => r.id))).toEqual([['1', '2']]);

    // While that statement runs, nothing else goes: these wait and then go together.
    const second = [batcher.submit(complete('3')), batcher.submit(claim(2))];
    await turn();
    expect(calls).toHaveLength(1);

    calls[0]?.finish({ done: new Set(['1', '2']), claimed: new Map([[1, ['job-a']]]) });
    expect(await Promise.all(first)).toEqual([
      { done: true, jobs: [] },
      { done: true, jobs: ['job-a'] },
    ]);
    expect(calls.map((c) => c.requests.map((r) => r.id))).toEqual([
      ['1', '2'],
      ['3', null],
    ]);

    // A claim alone is "done" whatever the completes did; a complete whose lease was not live is not.
    calls[1]?.finish({ done: new Set(), claimed: new Map([[1, ['job-b', 'job-c']]]) });
    expect(await Promise.all(second)).toEqual([
      { done: false, jobs: [] },
      { done: true, jobs: ['job-b', 'job-c'] },
    ]);
  });

  it('sends the same job once per statement: a repeat in the same batch is not done and claims nothing', async () => {
    const { calls, send } = manualStatement();
    const batcher = new CompleteBatcher(send);
    const results = [batcher.submit(complete('7', 1)), batcher.submit(complete('7', 1))];
    await turn();
    expect(calls[0]?.requests.map((r) => r.id)).toEqual(['7']);
    calls[0]?.finish({ done: new Set(['7']), claimed: new Map([[0, ['job']]]) });
    expect(await Promise.all(results)).toEqual([
      { done: true, jobs: ['job'] },
      { done: false, jobs: [] },
    ]);
  });

  it('rejects every caller of a failed statement, and keeps serving the ones after it', async () => {
    const { calls, send } = manualStatement();
    const batcher = new CompleteBatcher(send);
    const failed = [batcher.submit(complete('1')), batcher.submit(claim(3))];
    await turn();
    const later = batcher.submit(complete('2'));
    calls[0]?.fail(new Error('connection lost'));
    for (const p of failed) await expect(p).rejects.toThrow('connection lost');
    await turn();
    calls[1]?.finish({ done: new Set(['2']), claimed: new Map() });
    expect(await later).toEqual({ done: true, jobs: [] });
  });

  it('caps a statement at maxBatch requests and sends the rest in the next', async () => {
    const { calls, send } = manualStatement();
    const batcher = new CompleteBatcher(send, 2);
    const all = ['1', '2', '3'].map((id) => batcher.submit(complete(id)));
    await turn();
    expect(calls.map((c) => c.requests.length)).toEqual([2]);
    calls[0]?.finish({ done: new Set(['1', '2']), claimed: new Map() });
    await turn();
    expect(calls.map((c) => c.requests.length)).toEqual([2, 1]);
    calls[1]?.finish({ done: new Set(['3']), claimed: new Map() });
    expect((await Promise.all(all)).map((r) => r.done)).toEqual([true, true, true]);
  });

  it('resends a statement that failed on its data in halves: only the request that fails alone is rejected', async () => {
    const sent: (string | null)[][] = [];
    // A statement fails whenever it holds request "5" (as the server fails a whole statement for one bad row).
    const send = async (requests: CompleteRequest[]): Promise<CompleteOutcome<string>> => {
      sent.push(requests.map((r) => r.id));
      if (requests.some((r) => r.id === '5')) throw Object.assign(new Error('bad value in 5'), { data: true });
      return {
        done: new Set(requests.flatMap((r) => (r.id === null ? [] : [r.id]))),
        claimed: new Map(requests.flatMap((r, i) => (r.want > 0 ? [[i, [`job-for-${r.id}`]] as [number, string[]]] : []))),
      };
    };
    const batcher = new CompleteBatcher(send, 500, (error) => (error as { data?: boolean }).data === true);
    const ids = ['1', '2', '3', '4', '5', '6', '7', '8'];
    const results = await Promise.allSettled(ids.map((id) => batcher.submit(complete(id, 1))));
    expect(results.map((r) => r.status)).toEqual(ids.map((id) => (id === '5' ? 'rejected' : 'fulfilled')));
    expect(results.map((r) => (r.status === 'fulfilled' ? r.value.jobs : []))).toEqual(
      ids.map((id) => (id === '5' ? [] : [`job-for-${id}`])),
    );
    // Every good request went through exactly once; the bad one was narrowed down in halves.
    const succeeded = sent.filter((batch) => !batch.includes('5')).flat();
    expect(succeeded.sort()).toEqual(ids.filter((id) => id !== '5'));
    expect(sent).toEqual([ids, ['1', '2', '3', '4'], ['5', '6', '7', '8'], ['5', '6'], ['5'], ['6'], ['7', '8']]);
  });

  it('does not resend a statement that failed for another reason (the server away): every caller gets the error', async () => {
    let calls = 0;
    const batcher = new CompleteBatcher<string>(
      async () => {
        calls++;
        throw new Error('connection lost');
      },
      500,
      () => false,
    );
    const results = await Promise.allSettled(['1', '2', '3'].map((id) => batcher.submit(complete(id))));
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected']);
    expect(calls).toBe(1);
  });
});
