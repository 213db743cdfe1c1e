// node --import tsx bench/cpu.ts [max] [iterations]: the PostgreSQL side of one job, without runWorker or Node's
// share of the machine. On one connection, over a queue of 20,000 jobs, runs complete-and-claim of `max` jobs
// `iterations` times, and the raw SQL's claim + delete of `max` as often, alternating over 5 measured rounds; prints
// the wall time and the server backend's CPU time per statement (from /proc/<pid>/schedstat, so the server must run
// on this machine), medians with min and max. CPU time hardly moves with the load of other processes; wall time does.
// BENCH_ANALYZE=0 leaves out the ANALYZE before each round, as on a table bulk-loaded since autovacuum last sampled it
// (the prepared statements then plan without statistics).
import { readFileSync } from 'node:fs';
import pg from 'pg';
import { postgresQueue } from '../dist/index.js';
import { startPostgres } from '../dist/testing/index.js';
import { statements } from '../src/statements.js';
import { median } from './harness.js';

const [max = 50, iterations = 100] = process.argv.slice(2).map(Number);
const server = process.env.DATABASE_URL ? undefined : await startPostgres();
const url = process.env.DATABASE_URL ?? (server as NonNullable<typeof server>).url;
const client = new pg.Client({ connectionString: url });
const sql = statements('fleet', 'fleet_jobs');
const rawClaim = `with c as (select id from raw.jobs where locked_until is null order by id limit $1 for update skip locked)
  update raw.jobs j set locked_until = now() + interval '30 seconds' from c where j.id = c.id returning j.id, j.payload`;
type Held = { id: string; token: string };

const subjects: Record<string, (held: Held[]) => Promise<Held[]>> = {
  '@fleet/queue-postgres': async (held) => {
    const ids = held.map((j) => j.id);
    const values = ['cpu', ids, held.map((j) => j.token), false, ids, ids.map(() => 'w'), ids.map(() => 30_000), ids.map(() => 1)];
    const { rows } = await client.query({ name: 'complete_claim', text: sql.completeClaim, values });
    return rows.filter((row) => row.slot !== null);
  },
  'raw-sql': async () => {
    const { rows } = await client.query({ name: 'raw_claim', text: rawClaim, values: [max] });
    await client.query({ name: 'raw_delete', text: 'delete from raw.jobs where id = any($1::bigint[])', values: [rows.map((r) => r.id)] });
    return [];
  },
};

try {
  await client.connect();
  const queue = postgresQueue({ connectionString: url, queue: 'cpu' });
  await queue.migrate();
  await client.query('create schema if not exists raw');
  await client.query(
    'create table if not exists raw.jobs (id bigint generated always as identity primary key, payload json not null, locked_until timestamptz)',
  );
  await client.query('create index if not exists raw_ready on raw.jobs (id) where locked_until is null');
  const pid = (await client.query('select pg_backend_pid() as pid')).rows[0].pid as number;
  const cpuUs = () => Number(readFileSync(`/proc/${pid}/schedstat`, 'utf8').split(' ')[0]) / 1_000;
  const results = new Map<string, { wall: number[]; cpu: number[] }>();
  for (let round = 0; round < 6; round++) {
    for (const [name, run] of Object.entries(subjects)) {
      await queue.purge();
      await client.query('truncate raw.jobs');
      await client.query(`insert into raw.jobs (payload) select json_build_object('i', i) from generate_series(1, 20000) i`);
      for (let i = 0; i < 2; i++) await queue.enqueue(Array.from({ length: 10_000 }, (_, k) => ({ payload: { k } })));
      await client.query(process.env.BENCH_ANALYZE === '0' ? 'vacuum fleet.jobs, raw.jobs' : 'vacuum analyze fleet.jobs, raw.jobs');
      let held: Held[] = await queue.claim('w', { max });
      const [cpu0, wall0] = [cpuUs(), performance.now()];
      for (let i = 0; i < iterations; i++) held = await run(held);
      const r = results.get(name) ?? { wall: [], cpu: [] };
      // The first round warms up plans and caches.
      if (round > 0)
        results.set(name, {
          wall: [...r.wall, ((performance.now() - wall0) * 1_000) / iterations],
          cpu: [...r.cpu, (cpuUs() - cpu0) / iterations],
        });
    }
  }
  const show = (xs: number[]) => `${median(xs).toFixed(0)} (${Math.min(...xs).toFixed(0)}–${Math.max(...xs).toFixed(0)})`;
  console.log(`${max} job(s) per statement, ${iterations} statements a round; µs per complete-and-claim (raw: claim + delete)`);
  for (const [name, r] of results) console.log(`${name}: wall ${show(r.wall)}, server CPU ${show(r.cpu)}`);
  await queue.close();
} finally {
  await client.end();
  await server?.destroy();
}
