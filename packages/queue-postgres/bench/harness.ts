import pg from 'pg';

/** One measured drain: jobs done and the time it took. */
export interface Drain {
  jobs: number;
  ms: number;
}

/** What one subject does for one case: enqueue `jobs`, then run its workers until drained or `capMs` passed. */
export interface Subject {
  name: string;
  /** Describes the settings used, printed with the results. */
  settings(batch: string, n: number): string;
  prepare(jobs: number): Promise<void>;
  /** Runs workers until `jobs` completed or `capMs`; returns completed and elapsed. */
  drain(batch: string, n: number, jobs: number, capMs: number): Promise<Drain>;
  close(): Promise<void>;
}

/**
 * The batch a subject runs at in a case, as the report names it: batch 1 for every subject, or, batched, ours at its
 * default batch, the raw SQL at 50 and a peer at its best documented settings.
 */
export const batchOf = (batched: boolean, subject: string) =>
  !batched ? 'batch-1' : subject === '@fleet/queue-postgres' ? 'batch-default' : subject === 'raw-sql' ? 'batch-50' : 'batch-best';

export const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
};

export async function waitUntil(check: () => boolean | Promise<boolean>, capMs: number, stepMs = 5): Promise<void> {
  const end = Date.now() + capMs;
  while (!(await check()) && Date.now() < end) await new Promise((r) => setTimeout(r, stepMs));
}

export async function count(pool: pg.Pool, sql: string): Promise<number> {
  return (await pool.query<{ n: number }>(sql)).rows[0]?.n ?? 0;
}

/** Runs one statement on a connection of its own (opened and closed here); returns its rows. */
export async function sqlOnce<R extends pg.QueryResultRow>(url: string, text: string): Promise<R[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<R>(text)).rows;
  } finally {
    await client.end();
  }
}
