// A worker process of the quickstart: claims messages from the PostgreSQL queue with runWorker, "answers" each in
// 1.2 s (S0's hot message), records the run in the ledger, and drains on SIGTERM when the provider scales in.
import { runWorker, silentLogger } from '@fleet/core';
import { postgresQueue } from '@fleet/queue-postgres';
import pg from 'pg';
import { recordRun } from './ledger.js';

const url = process.env.DATABASE_URL as string;
const workerId = process.env.WORKER_ID as string;
const queue = postgresQueue<{ enqueuedAt: number; text: string }>({ connectionString: url, queue: 'quickstart', poolSize: 2 });
const ledger = new pg.Pool({ connectionString: url, max: 1 });
// An idle connection the server ends (it stops before this worker) must not crash the worker with an unhandled error.
ledger.on('error', () => {});
const handleMs = Number(process.env.HANDLE_MS ?? 1_200);

const worker = runWorker({
  queue,
  workerId,
  concurrency: 1,
  leaseMs: 15_000,
  drainTimeoutMs: 5_000,
  logger: process.env.QUICKSTART_VERBOSE ? undefined : silentLogger,
  handler: async (job) => {
    const startedAt = Date.now();
    await new Promise((resolve) => setTimeout(resolve, handleMs));
    await recordRun(ledger, { jobId: job.id, workerId, enqueuedAt: job.payload.enqueuedAt, startedAt, finishedAt: Date.now() });
  },
});
process.send?.('ready');
await worker.done;
