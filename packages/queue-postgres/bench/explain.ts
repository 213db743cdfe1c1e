// node --import tsx bench/explain.ts [claim|completeClaim|complete] [max]: EXPLAIN (ANALYZE, BUFFERS) of a queue
// statement on a queue of 20,000 jobs, as the generic plan of a prepared statement, the way the queue runs them.
import pg from 'pg';
import { postgresQueue } from '../dist/index.js';
import { startPostgres } from '../dist/testing/index.js';
import { statements } from '../src/statements.js';

const [what = 'completeClaim', maxText = '50'] = process.argv.slice(2);
const max = Number(maxText);
const server = process.env.DATABASE_URL ? undefined : await startPostgres();
const url = process.env.DATABASE_URL ?? (server as NonNullable<typeof server>).url;
const client = new pg.Client({ connectionString: url });
try {
  await client.connect();
  const q = postgresQueue({ connectionString: url, queue: 'x' });
  await q.migrate();
  await q.purge();
  for (let i = 0; i < 2; i++) await q.enqueue(Array.from({ length: 10_000 }, (_, k) => ({ payload: { k } })));
  // Some churn first, as in a drain: dead index entries at the head of the ready index.
  for (let i = 0; i < 20; i++) for (const job of await q.claim('w', { max })) await q.complete(job);
  const sql = statements('fleet', 'fleet_jobs');
  await client.query('set plan_cache_mode = force_generic_plan');
  const held = await q.claim('w', { max });
  const ids = held.map((j) => j.id);
  const tokens = held.map((j) => j.token);
  const params: Record<string, [string, unknown[]]> = {
    claim: [sql.completeClaim, ['x', [], [], false, [null], ['w'], [30_000], [ids.length]]],
    complete: [sql.complete, ['x', ids, tokens, false]],
    completeClaim: [sql.completeClaim, ['x', ids, tokens, false, ids, ids.map(() => 'w'), ids.map(() => 30_000), ids.map(() => 1)]],
  };
  const [text, values] = params[what] as [string, unknown[]];
  await client.query(`prepare p as ${text}`);
  const literal = (v: unknown) =>
    Array.isArray(v) ? `'{${v.map((x) => JSON.stringify(x)).join(',')}}'` : typeof v === 'string' ? `'${v}'` : String(v);
  for (let i = 0; i < 2; i++) {
    const again = await q.claim('w', { max });
    const v =
      what === 'claim'
        ? values
        : [values[0], again.map((j) => j.id), again.map((j) => j.token), values[3], again.map((j) => j.id), ...values.slice(5)];
    const { rows } = await client.query(`explain (analyze, buffers, costs off, summary on) execute p(${v.map(literal).join(', ')})`);
    if (i === 1) console.log(rows.map((r) => r['QUERY PLAN']).join('\n'));
  }
  await q.close();
} finally {
  await client.end();
  await server?.destroy();
}
