// node --import tsx bench/alternate.ts [concurrency] [workers] [rounds] [variants]: drains of 20,000 no-op jobs
// that take turns in one process against one server, to compare settings on a machine whose speed drifts by more
// than the change being measured. A variant is a runWorker `prefetch` ('auto' or a number) for ours, or 'raw' for
// the raw SQL at batch 50 (batch 1 when concurrency is 1). Every drain runs on a freshly loaded and analyzed table;
// the first round warms up and is left out. Prints each variant's median, min and max jobs/s and Node's CPU per job.
// Example: node --import tsx bench/alternate.ts 50 1 8 auto,150,raw
import { runWorker, silentLogger } from '@fleet/core';
import pg from 'pg';
import { postgresQueue } from '../dist/index.js';
import { startPostgres } from '../dist/testing/index.js';
import { median, waitUntil } from './harness.js';
import { raw } from './raw.js';

const JOBS = 20_000;
const [concurrency = 50, workers = 1, rounds = 6] = process.argv.slice(2, 5).map(Number);
const variants = (process.argv[5] ?? 'auto,raw').split(',');
const server = process.env.DATABASE_URL ? undefined : await startPostgres({ settings: { max_connections: 400 } });
const url = process.env.DATABASE_URL ?? (server as NonNullable<typeof server>).url;
const admin = new pg.Pool({ connectionString: url, max: 2 });
admin.on('error', () => {});
const rawSql = raw(url);
const rates = new Map<string, number[]>();
const nodeUs = new Map<string, number[]>();
const add = (map: Map<string, number[]>, key: string, value: number) => map.set(key, [...(map.get(key) ?? []), value]);

/** One drain of ours with this `prefetch`; returns jobs done, ms and Node's CPU µs. */
async function drainOurs(prefetch: 'auto' | number) {
  const loader = postgresQueue({ pool: admin, queue: 'alternate' });
  await loader.migrate();
  // A fresh table, as bench/ours.ts gives each run: a purge's dead rows would slow the next drain's scans.
  await admin.query('truncate fleet.jobs, fleet.dead_jobs, fleet.counters, fleet.archive');
  for (let i = 0; i < JOBS; i += 10_000) await loader.enqueue(Array.from({ length: 10_000 }, (_, k) => ({ payload: { i: i + k } })));
  await admin.query('analyze');
  const queue = postgresQueue({ connectionString: url, poolSize: workers, queue: 'alternate' });
  let done = 0;
  const [started, cpu] = [performance.now(), process.cpuUsage()];
  const handles = Array.from({ length: workers }, (_, w) =>
    runWorker({
      queue,
      concurrency,
      prefetch,
      handleSignals: false,
      logger: silentLogger,
      workerId: `alt-${w}`,
      handler: async () => {},
    }).on('job-done', () => void done++),
  );
  await waitUntil(() => done >= JOBS, 10_000);
  const [ms, used] = [performance.now() - started, process.cpuUsage(cpu)];
  const finished = done;
  await Promise.all(handles.map((h) => h.stop()));
  await queue.close();
  await loader.close();
  return { jobs: finished, ms, cpuUs: used.user + used.system };
}

try {
  for (let round = 0; round <= rounds; round++) {
    for (const variant of variants) {
      let result: { jobs: number; ms: number; cpuUs?: number };
      if (variant === 'raw') {
        await rawSql.prepare(JOBS);
        await admin.query('analyze');
        result = await rawSql.drain(concurrency === 1 ? 'batch-1' : 'batch-50', workers, JOBS, 10_000);
      } else {
        if (variant !== 'auto' && !/^\d+$/.test(variant)) throw new Error(`variant "${variant}": expected auto, a number or raw`);
        result = await drainOurs(variant === 'auto' ? 'auto' : Number(variant));
      }
      if (round === 0) continue;
      add(rates, variant, (result.jobs / result.ms) * 1000);
      if (result.cpuUs !== undefined) add(nodeUs, variant, result.cpuUs / result.jobs);
    }
  }
  console.log(`${workers} worker(s) of concurrency ${concurrency}, ${rounds} rounds of ${JOBS} jobs:`);
  for (const [variant, xs] of rates) {
    const cpu = nodeUs.get(variant);
    const range = `${Math.round(Math.min(...xs))}–${Math.round(Math.max(...xs))}`;
    console.log(
      `${variant === 'raw' ? 'raw SQL' : `prefetch ${variant}`}: ${Math.round(median(xs))} jobs/s (${range})${cpu ? `, Node ${median(cpu).toFixed(1)} µs/job` : ''}`,
    );
  }
} finally {
  await rawSql.close();
  await admin.end();
  await server?.destroy();
}
