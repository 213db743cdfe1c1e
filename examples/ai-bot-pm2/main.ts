// S0 with PM2: `pnpm --filter @fleet/example-ai-bot-pm2 start`. Uses DATABASE_URL, or starts an embedded PostgreSQL.
import { startPostgres } from '@fleet/queue-postgres/testing';
import { startAiBot } from './ai-bot.js';

const server = process.env.DATABASE_URL ? undefined : await startPostgres();
const bot = await startAiBot({ databaseUrl: process.env.DATABASE_URL ?? (server?.url as string) });
bot.scaler.on('decision', (d) => console.log(`${d.from} → ${d.to}  ${d.action.padEnd(10)} ${d.reason}`));
await bot.queue.enqueue(Array.from({ length: 16 }, (_, i) => ({ payload: { text: `message ${i + 1}` } })));
setTimeout(() => bot.queue.enqueue(Array.from({ length: 50 }, (_, i) => ({ payload: { text: `message ${i + 17}` } }))), 30_000);
console.log('16 messages, then 50 more in 30 s; `pm2 ls` shows ai-bot-worker-N; Ctrl-C stops and removes the workers');
process.once('SIGINT', async () => {
  await bot.stop({ removeWorkers: true });
  await server?.destroy();
  process.exit(0);
});
