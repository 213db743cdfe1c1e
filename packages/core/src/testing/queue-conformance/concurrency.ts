import assert from 'node:assert/strict';
import type { ClaimedJob } from '../../queue.js';
import { type ConformanceTest, counts } from './helpers.js';

const JOBS = 300;
const CLAIMERS = 16;

// A timer turn, not a microtask: other claimers must get to run while a job is held.
const yieldTurn = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

export const concurrency: Record<string, ConformanceTest> = {
  [`${CLAIMERS} concurrent claimers complete ${JOBS} jobs, each exactly once, never held by two at once`]: async (q) => {
    const before = await counts(q);
    const ids = await q.enqueue(Array.from({ length: JOBS }, (_, i) => ({ payload: { i } })));
    const holder = new Map<string, string>();
    const completions = new Map<string, number>();
    const problems: string[] = [];
    const claimer = async (workerId: string, max: number) => {
      for (;;) {
        const jobs: ClaimedJob[] = await q.claim(workerId, { max, leaseMs: 60_000 });
        if (jobs.length === 0) return;
        for (const job of jobs) {
          const other = holder.get(job.id);
          if (other !== undefined) problems.push(`job ${job.id} handed to ${workerId} while ${other} held it`);
          holder.set(job.id, workerId);
        }
        await yieldTurn();
        for (const job of jobs) {
          if (holder.get(job.id) === workerId) holder.delete(job.id);
          try {
            await q.complete(job);
            completions.set(job.id, (completions.get(job.id) ?? 0) + 1);
          } catch (error) {
            problems.push(`${workerId} could not complete job ${job.id}: ${(error as Error).message}`);
          }
        }
      }
    };
    await Promise.all(Array.from({ length: CLAIMERS }, (_, w) => claimer(`claimer-${w}`, 1 + (w % 4))));
    assert.deepEqual(problems.slice(0, 10), [], `${problems.length} problems`);
    const missing = ids.filter((id) => completions.get(id) !== 1);
    assert.deepEqual(missing, [], 'every job is completed exactly once');
    const after = await counts(q);
    assert.deepEqual([after.ready, after.running, after.completedTotal - before.completedTotal], [0, 0, JOBS]);
  },
  'concurrent enqueues of one dedupKey make one job': async (q) => {
    const ids = await Promise.all(
      Array.from({ length: CLAIMERS }, (_, i) => q.enqueue({ payload: i, dedupKey: 'same' }).then(([id]) => id)),
    );
    assert.equal(new Set(ids).size, 1, `got ids ${[...new Set(ids)].join(', ')}`);
    assert.equal((await counts(q)).ready, 1);
  },
};
