import { Logger, makeWorkerUtils, run, type WorkerUtils } from 'graphile-worker';
import pg from 'pg';
import { type Drain, type Subject, waitUntil } from './harness.js';

const silent = new Logger(() => () => {});

/** graphile-worker through its runner. Defaults: concurrency n, 2 s poll plus LISTEN. Best: a local queue of 50 and batched completes. */
export function graphile(url: string): Subject {
  let utils: WorkerUtils | undefined;
  const admin = new pg.Pool({ connectionString: url, max: 2 });
  admin.on('error', () => {});
  const best = (n: number) => ({ localQueue: { size: 50 }, completeJobBatchDelay: 0, maxPoolSize: Math.max(10, n + 2) });
  return {
    name: 'graphile-worker',
    settings: (batch, n) =>
      batch === 'batch-1' ? `run({ concurrency: ${n} })` : `run({ concurrency: ${n}, preset.worker: ${JSON.stringify(best(n))} })`,
    async prepare(jobs) {
      utils ??= await makeWorkerUtils({ connectionString: url, logger: silent });
      await utils.migrate();
      await admin.query('truncate graphile_worker._private_jobs cascade');
      for (let i = 0; i < jobs; i += 5_000) {
        await utils.addJobs(Array.from({ length: Math.min(5_000, jobs - i) }, (_, k) => ({ identifier: 'noop', payload: { i: i + k } })));
      }
    },
    async drain(batch, n, jobs, capMs): Promise<Drain> {
      let done = 0;
      const started = performance.now();
      const runner = await run({
        connectionString: url,
        concurrency: n,
        noHandleSignals: true,
        logger: silent,
        taskList: {
          noop: async () => {
            done++;
          },
        },
        ...(batch === 'batch-1' ? {} : { preset: { worker: best(n) } }),
      });
      await waitUntil(() => done >= jobs, capMs);
      const ms = performance.now() - started;
      const finished = done;
      await runner.stop();
      return { jobs: finished, ms };
    },
    async close() {
      await utils?.release();
      await admin.end();
    },
  };
}
