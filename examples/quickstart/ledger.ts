import pg from 'pg';

/**
 * An independent record of every handler run, outside the queue's own tables: one row per run, so a job handled
 * twice shows up as two rows (the demo's "duplicates").
 */
export async function createLedger(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query(`create table if not exists quickstart_runs (
    job_id text not null, worker_id text not null, enqueued_at bigint not null, started_at bigint not null, finished_at bigint not null)`);
  await client.query('truncate quickstart_runs');
  await client.end();
}

/** Records one run. */
export async function recordRun(
  pool: pg.Pool,
  run: { jobId: string; workerId: string; enqueuedAt: number; startedAt: number; finishedAt: number },
): Promise<void> {
  await pool.query('insert into quickstart_runs values ($1, $2, $3, $4, $5)', [
    run.jobId,
    run.workerId,
    run.enqueuedAt,
    run.startedAt,
    run.finishedAt,
  ]);
}

/** What the ledger says: runs, distinct jobs, duplicates and the p95 wait from enqueue to start. */
export async function readLedger(pool: pg.Client): Promise<{ runs: number; jobs: number; duplicates: number; p95WaitMs: number }> {
  const { rows } = await pool.query<{ runs: string; jobs: string; p95: number | null }>(
    `select count(*) as runs, count(distinct job_id) as jobs,
            percentile_disc(0.95) within group (order by started_at - enqueued_at) as p95 from quickstart_runs`,
  );
  const row = rows[0] ?? { runs: '0', jobs: '0', p95: 0 };
  return {
    runs: Number(row.runs),
    jobs: Number(row.jobs),
    duplicates: Number(row.runs) - Number(row.jobs),
    p95WaitMs: Number(row.p95 ?? 0),
  };
}
