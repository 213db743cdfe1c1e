import { PgBoss } from 'pg-boss';
import { type Drain, type Subject, waitUntil } from './harness.js';

const QUEUE = 'bench';

/** pg-boss through its own worker API. Defaults: batchSize 1, a 2 s poll. Best: batches of 50 fetched back to back while full. */
export function pgBoss(url: string): Subject {
  let boss: PgBoss | undefined;
  const options = (batch: string, n: number) =>
    batch === 'batch-1'
      ? { localConcurrency: n }
      : { localConcurrency: n, batchSize: 50, burstWhenBatchFull: true, pollingIntervalSeconds: 0.5 };
  return {
    name: 'pg-boss',
    settings: (batch, n) => `work(${JSON.stringify(options(batch, n))}), pool 20`,
    async prepare(jobs) {
      if (!boss) {
        boss = new PgBoss({ connectionString: url, max: 20, schedule: false, supervise: false });
        boss.on('error', () => {});
      }
      if (!(boss as unknown as { started?: boolean }).started) {
        await boss.start();
        (boss as unknown as { started?: boolean }).started = true;
        await boss.createQueue(QUEUE);
      }
      await boss.deleteAllJobs(QUEUE);
      for (let i = 0; i < jobs; i += 5_000) {
        await boss.insert(
          QUEUE,
          Array.from({ length: Math.min(5_000, jobs - i) }, (_, k) => ({ data: { i: i + k } })),
        );
      }
    },
    async drain(batch, n, jobs, capMs): Promise<Drain> {
      const b = boss as PgBoss;
      let done = 0;
      const started = performance.now();
      const id = await b.work(QUEUE, options(batch, n), async (batchOfJobs: unknown[]) => {
        done += batchOfJobs.length;
      });
      await waitUntil(() => done >= jobs, capMs);
      const ms = performance.now() - started;
      const finished = done;
      await b.offWork(QUEUE, { id, wait: true } as never);
      return { jobs: finished, ms };
    },
    async close() {
      await boss?.stop({ graceful: false, close: true });
    },
  };
}
