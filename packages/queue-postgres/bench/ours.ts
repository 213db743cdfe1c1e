import { runWorker, silentLogger, type WorkerHandle } from '@fleet/core';
import pg from 'pg';
import { postgresQueue } from '../dist/index.js';
import { type Drain, type Subject, waitUntil } from './harness.js';

/** Our default batch: one runWorker claims up to its free slots, so its concurrency is its batch. */
export const DEFAULT_CONCURRENCY = 50;

/** `prefetch` is passed to every runWorker (its default, 'auto', when omitted): bench/alternate.ts compares values. */
export function ours(url: string, { prefetch }: { prefetch?: 'auto' | number } = {}): Subject {
  const admin = new pg.Pool({ connectionString: url, max: 2 });
  admin.on('error', () => {});
  return {
    name: '@fleet/queue-postgres',
    settings: (batch, n) =>
      `${n} × runWorker({ concurrency: ${batch === 'batch-1' ? 1 : DEFAULT_CONCURRENCY}${prefetch === undefined ? '' : `, prefetch: ${prefetch}`} }), pool ${n}`,
    async prepare(jobs) {
      const q = postgresQueue({ pool: admin, queue: 'bench' });
      await q.migrate();
      // A fresh table per run, as the peers get: a drain leaves dead index entries that the next run would walk.
      await admin.query('truncate fleet.jobs, fleet.dead_jobs, fleet.counters, fleet.archive');
      for (let i = 0; i < jobs; i += 10_000)
        await q.enqueue(Array.from({ length: Math.min(10_000, jobs - i) }, (_, k) => ({ payload: { i: i + k } })));
    },
    async drain(batch, n, jobs, capMs): Promise<Drain> {
      const queue = postgresQueue({ connectionString: url, poolSize: n, queue: 'bench' });
      let done = 0;
      const started = performance.now();
      const workers: WorkerHandle[] = Array.from({ length: n }, (_, w) =>
        runWorker({
          queue,
          concurrency: batch === 'batch-1' ? 1 : DEFAULT_CONCURRENCY,
          ...(prefetch === undefined ? {} : { prefetch }),
          handleSignals: false,
          logger: silentLogger,
          workerId: `bench-${w}`,
          handler: async () => {},
        }).on('job-done', () => {
          done++;
        }),
      );
      await waitUntil(() => done >= jobs, capMs);
      const ms = performance.now() - started;
      const finished = done;
      await Promise.all(workers.map((w) => w.stop()));
      await queue.close();
      return { jobs: finished, ms };
    },
    close: () => admin.end(),
  };
}
