import pg from 'pg';
import { type Drain, type Subject, waitUntil } from './harness.js';

/** The physical limit: the one-statement SKIP LOCKED claim and a delete, nothing else, on a minimal table. */
export function raw(url: string): Subject {
  const admin = new pg.Pool({ connectionString: url, max: 2 });
  admin.on('error', () => {});
  return {
    name: 'raw-sql',
    settings: (batch, n) =>
      `${n} loops, pool ${n}: claim ${batch === 'batch-1' ? 1 : 50} (CTE SKIP LOCKED → UPDATE RETURNING), then DELETE`,
    async prepare(jobs) {
      await admin.query('create schema if not exists raw');
      await admin.query(
        'create table if not exists raw.jobs (id bigint generated always as identity primary key, payload json not null, locked_until timestamptz)',
      );
      await admin.query('create index if not exists raw_ready on raw.jobs (id) where locked_until is null');
      await admin.query('truncate raw.jobs');
      await admin.query(`insert into raw.jobs (payload) select json_build_object('i', i) from generate_series(1, $1) i`, [jobs]);
    },
    async drain(batch, n, jobs, capMs): Promise<Drain> {
      const pool = new pg.Pool({ connectionString: url, max: n });
      // Said, not thrown: one dropped idle connection must not end the whole benchmark.
      pool.on('error', (error) => console.warn(`raw-sql: idle connection failed: ${error.message}`));
      const max = batch === 'batch-1' ? 1 : 50;
      let done = 0;
      let stop = false;
      const loop = async () => {
        while (!stop) {
          const { rows } = await pool.query<{ id: string }>(
            `with c as (select id from raw.jobs where locked_until is null order by id limit $1 for update skip locked)
             update raw.jobs j set locked_until = now() + interval '30 seconds' from c where j.id = c.id returning j.id, j.payload`,
            [max],
          );
          if (rows.length === 0) return;
          await pool.query('delete from raw.jobs where id = any($1::bigint[])', [rows.map((r) => r.id)]);
          done += rows.length;
        }
      };
      const started = performance.now();
      const loops = Array.from({ length: n }, loop);
      await waitUntil(() => done >= jobs, capMs);
      const ms = performance.now() - started;
      const finished = done;
      stop = true;
      await Promise.all(loops);
      await pool.end();
      return { jobs: finished, ms };
    },
    close: () => admin.end(),
  };
}
