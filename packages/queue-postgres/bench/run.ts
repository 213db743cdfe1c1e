// pnpm --filter @fleet/queue-postgres bench: the same drain for @fleet/queue-postgres (through runWorker), pg-boss,
// graphile-worker and the raw SQL, against one throwaway server, the subjects taking turns run by run and each run on
// a freshly loaded and analyzed table. Prints a table; with FLEET_BENCH_OUT=<folder> also
// writes <folder>/queue-postgres.json (DESIGN.md, "Benchmarks"). BENCH_RUNS and BENCH_CAP_MS tune the effort;
// BENCH_SUBJECTS (names), BENCH_WORKERS (counts), BENCH_BATCHES (batch-1, batch-many), all comma-separated, and
// BENCH_LATENCY_SAMPLES=0 shorten a run while tuning.
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { startPostgres } from '../dist/testing/index.js';
import { graphile } from './graphile.js';
import { batchOf, type Drain, median, type Subject, sqlOnce } from './harness.js';
import { graphileLatency, oursLatency, pgBossLatency } from './latency.js';
import { ours } from './ours.js';
import { pgBoss } from './pgboss.js';
import { raw } from './raw.js';

const JOBS = 20_000;
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const CAP_MS = Number(process.env.BENCH_CAP_MS ?? 3_000);
const WORKERS = (process.env.BENCH_WORKERS ?? '1,4,16').split(',').map(Number);
const LATENCY_SAMPLES = Number(process.env.BENCH_LATENCY_SAMPLES ?? 30);

type Row = { subject: string; case: string; value: number; unit: string };
const rows: Row[] = [];
const table: string[][] = [];
const settings: string[] = [];

const server = process.env.DATABASE_URL ? undefined : await startPostgres({ settings: { max_connections: 400 } });
const url = process.env.DATABASE_URL ?? (server as NonNullable<typeof server>).url;
try {
  const [version] = await sqlOnce<{ server_version: string }>(url, 'show server_version');
  console.log(
    `PostgreSQL ${version?.server_version}, Node ${process.version}, ${cpus().length} × ${cpus()[0]?.model}, load ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}`,
  );
  const only = process.env.BENCH_SUBJECTS?.split(',');
  const all: Subject[] = [ours(url), graphile(url), pgBoss(url), raw(url)];
  const subjects = all.filter((s) => !only || only.includes(s.name));
  const kinds = (process.env.BENCH_BATCHES ?? 'batch-1,batch-many').split(',') as ('batch-1' | 'batch-many')[];
  for (const batchKind of kinds) {
    for (const n of WORKERS) {
      const line = [`${batchKind === 'batch-1' ? 'batch 1' : 'batched'}, ${n} worker${n > 1 ? 's' : ''}`];
      const medians: Record<string, number> = {};
      // The subjects take turns run by run, so a slow minute on a shared machine weighs on all of them alike.
      const runs = new Map<Subject, Drain[]>(subjects.map((subject) => [subject, []]));
      for (let r = 0; r < RUNS; r++) {
        for (const subject of subjects) {
          await subject.prepare(JOBS);
          // Every subject drains a table with fresh statistics, as autovacuum would leave it in a running system:
          // without them the raw SQL's plan, and so the physical limit, swung threefold from one set of runs to another.
          await sqlOnce(url, 'analyze');
          runs.get(subject)?.push(await subject.drain(batchOf(batchKind !== 'batch-1', subject.name), n, JOBS, CAP_MS));
        }
      }
      for (const subject of all) {
        if (!subjects.includes(subject)) {
          line.push('–');
          continue;
        }
        const batch = batchOf(batchKind !== 'batch-1', subject.name);
        const rates = (runs.get(subject) ?? []).map((d) => (d.jobs / d.ms) * 1000);
        const m = median(rates);
        medians[subject.name] = m;
        rows.push({ subject: subject.name, case: `claim-complete/${batch}/n-${n}`, value: Math.round(m), unit: 'jobs/s' });
        line.push(`${Math.round(m)} (${Math.round(Math.min(...rates))}–${Math.round(Math.max(...rates))})`);
        if (n === WORKERS[0] || n === WORKERS[WORKERS.length - 1])
          settings.push(`${subject.name} ${batch} n=${n}: ${subject.settings(batch as never, n)}`);
      }
      const o = medians['@fleet/queue-postgres'] as number;
      const ratio = (peer: string, f: (r: number) => string) => (medians[peer] ? f(o / medians[peer]) : '–');
      line.push(
        ratio('graphile-worker', (r) => `${r.toFixed(2)}×`),
        ratio('pg-boss', (r) => `${r.toFixed(1)}×`),
        ratio('raw-sql', (r) => `${Math.round(r * 100)} %`),
      );
      table.push(line);
      console.log(line.join(' | '));
    }
  }
  for (const subject of all) await subject.close();

  const pct = (xs: number[], p: number) =>
    [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((xs.length * p) / 100))] as number;
  const latency: [string, number[]][] = LATENCY_SAMPLES
    ? [
        ['@fleet/queue-postgres', await oursLatency(url, LATENCY_SAMPLES)],
        ['graphile-worker', await graphileLatency(url, LATENCY_SAMPLES)],
        ['pg-boss', await pgBossLatency(url, Math.min(LATENCY_SAMPLES, 10), false)],
        ['pg-boss (notify: true)', await pgBossLatency(url, LATENCY_SAMPLES, true)],
      ]
    : [];
  console.log('\n| wake-up: enqueue into an idle queue → handler starts | p50 ms | p95 ms | max ms |\n|---|---|---|---|');
  for (const [subject, xs] of latency) {
    console.log(`| ${subject} | ${pct(xs, 50).toFixed(1)} | ${pct(xs, 95).toFixed(1)} | ${Math.max(...xs).toFixed(1)} |`);
    rows.push({
      subject: subject.replace(' (notify: true)', ''),
      case: `wake-up-latency/p50${subject.includes('notify') ? '/notify' : ''}`,
      value: Number(pct(xs, 50).toFixed(2)),
      unit: 'ms',
    });
  }

  console.log(`\n| case | @fleet/queue-postgres | graphile-worker | pg-boss | raw SQL | ours ÷ graphile | ours ÷ pg-boss | ours ÷ raw |`);
  console.log('|---|---|---|---|---|---|---|---|');
  for (const line of table) console.log(`| ${line.join(' | ')} |`);
  console.log(
    `\njobs/s, median of ${RUNS} runs (min–max); each run enqueues ${JOBS} no-op jobs and drains them, or stops after ${CAP_MS} ms.`,
  );
  console.log('Settings:');
  for (const s of settings) console.log(`- ${s}`);
  const out = process.env.FLEET_BENCH_OUT;
  if (out) {
    mkdirSync(out, { recursive: true });
    const report = {
      name: '@fleet/queue-postgres',
      node: process.version,
      cpu: cpus()[0]?.model ?? 'unknown',
      at: new Date().toISOString(),
      rows,
    };
    writeFileSync(join(out, 'queue-postgres.json'), `${JSON.stringify(report, null, 2)}\n`);
  }
} finally {
  // Once, a pool still open here (which subject's was not traced) got "terminating connection" from the server's
  // shutdown as an 'error' event nobody listened to, after the results were printed: no failure of the benchmark.
  process.on('uncaughtException', (error) => {
    if ((error as { code?: string }).code !== '57P01') throw error;
    console.warn(`teardown: a connection left open was closed by the server's shutdown (${error.message})`);
  });
  await server?.destroy();
}
