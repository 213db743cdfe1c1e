// S2: `AUTO_SCALER_ADMIN_TOKEN=… pnpm --filter @fleet/example-mail-warmup start`. DATABASE_URL, or an embedded
// PostgreSQL with 2,500 active mailboxes.
import { startPostgres } from '@fleet/queue-postgres/testing';
import pg from 'pg';
import { parseConfig } from './config.js';
import { startMailWarmup } from './mail-warmup.js';

const config = parseConfig(process.env);
const server = config.DATABASE_URL ? undefined : await startPostgres();
const url = config.DATABASE_URL ?? (server?.url as string);
if (server) {
  const db = new pg.Client({ connectionString: url });
  await db.connect();
  await db.query('create table mailboxes (id serial primary key, active boolean not null default true)');
  await db.query('insert into mailboxes (active) select true from generate_series(1, 2500)');
  await db.end();
}
const app = await startMailWarmup({ ...config, DATABASE_URL: url });
app.scaler.on('decision', (d) => console.log(`${d.from} → ${d.to}  ${d.action.padEnd(10)} ${d.reason}`));
console.log(`status: curl -H "authorization: Bearer $AUTO_SCALER_ADMIN_TOKEN" ${app.url}/status`);
process.once('SIGINT', async () => {
  await app.stop();
  await server?.destroy();
  process.exit(0);
});
