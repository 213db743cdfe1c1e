// One of S0's PM2 workers (ai-bot-worker-N): claims a message, "answers" it, and on PM2's stop finishes it first.
import { runWorker } from '@fleet/core';
import { postgresQueue } from '@fleet/queue-postgres';

const handleMs = Number(process.env.HANDLE_MS ?? 1_200);
runWorker({
  queue: postgresQueue({ connectionString: process.env.DATABASE_URL, queue: 'ai_bot_messages', poolSize: 2 }),
  workerId: process.env.WORKER_ID, // pm2Provider sets it to the app's name: ai-bot-worker-3
  concurrency: 1,
  drainTimeoutMs: 25_000,
  handler: async (job) => {
    await new Promise((resolve) => setTimeout(resolve, handleMs));
    console.log(`${process.env.WORKER_ID} answered ${job.payload.text}`);
  },
});
