// node --import tsx bench/trace.ts [concurrency] [workers]: one drain of 20,000 jobs through runWorker, counting
// the statements the queue sent (by prepared name), the jobs per statement (the round trips a job costs), and how
// often each connection planned each statement (generic vs custom plans).
import { runWorker, silentLogger } from '@fleet/core';
import pg from 'pg';
import { postgresQueue } from '../dist/index.js';
import { startPostgres } from '../dist/testing/index.js';

const [concurrency = 50, workers = 1] = process.argv.slice(2).map(Number);
const JOBS = 20_000;
const server = process.env.DATABASE_URL ? undefined : await startPostgres();
const url = process.env.DATABASE_URL ?? (server as NonNullable<typeof server>).url;
try {
  const pool = new pg.Pool({ connectionString: url, max: workers });
  pool.on('error', () => {});
  const calls = new Map<string, { n: number; rows: number; ms: number }>();
  const query = pool.query.bind(pool) as (q: { name?: string }) => Promise<pg.QueryResult>;
  (pool as unknown as { query: unknown }).query = async (q: { name?: string }) => {
    const t = performance.now();
    const result = await query(q);
    const c = calls.get(q.name ?? '?') ?? { n: 0, rows: 0, ms: 0 };
    calls.set(q.name ?? '?', { n: c.n + 1, rows: c.rows + (result.rowCount ?? 0), ms: c.ms + performance.now() - t });
    return result;
  };
  const queue = postgresQueue({ pool, queue: 'trace' });
  await queue.migrate();
  await queue.purge();
  for (let i = 0; i < JOBS; i += 10_000) await queue.enqueue(Array.from({ length: 10_000 }, (_, k) => ({ payload: { k } })));
  calls.clear();
  let done = 0;
  const started = performance.now();
  const cpu = process.cpuUsage();
  const handles = Array.from({ length: workers }, (_, w) =>
    runWorker({ queue, concurrency, handleSignals: false, logger: silentLogger, workerId: `t${w}`, handler: async () => {} }).on(
      'job-done',
      () => void done++,
    ),
  );
  while (done < JOBS) await new Promise((r) => setTimeout(r, 5));
  const ms = performance.now() - started;
  const used = process.cpuUsage(cpu);
  console.log(
    `${JOBS} jobs, ${workers} × concurrency ${concurrency}: ${Math.round((JOBS / ms) * 1000)} jobs/s, node CPU ${((used.user + used.system) / JOBS).toFixed(1)} µs per job`,
  );
  for (const [name, c] of calls)
    console.log(`${name}: ${c.n} calls, ${(c.rows / c.n).toFixed(1)} rows/call, ${(c.ms / c.n).toFixed(2)} ms/call`);
  await Promise.all(handles.map((h) => h.stop()));
  // Plan cache of each pooled connection: custom plans growing with the calls means every execution is planned again.
  const clients = await Promise.all(Array.from({ length: workers }, () => pool.connect()));
  for (const [i, client] of clients.entries()) {
    const { rows } = await client.query(
      `select name, generic_plans, custom_plans from pg_prepared_statements where name like 'fleet_%' order by name`,
    );
    for (const r of rows) console.log(`connection ${i} ${r.name}: ${r.generic_plans} generic, ${r.custom_plans} custom plans`);
    client.release();
  }
  await queue.close();
  await pool.end();
} finally {
  await server?.destroy();
}
