// node --import tsx bench/alternate.ts [batch-1|batched] [workers] [rounds] [variants]: the benchmark's drains of
// 20,000 no-op jobs, taking turns in one process against one server, to compare settings on a machine whose speed
// drifts by more than the change being measured. A variant is a runWorker `prefetch` for ours ('auto' or a number),
// or 'raw' for the raw SQL (batch 1, or 50 when batched). As in `pnpm bench`, every drain runs on a freshly loaded
// and analyzed table. The first round warms up and is left out. Prints each variant's median, min and max jobs/s
// and this process's CPU per job (Node's share: the server runs apart).
// Example: node --import tsx bench/alternate.ts batched 1 8 auto,150,raw
import { startPostgres } from '../dist/testing/index.js';
import { batchOf, type Drain, median, type Subject, sqlOnce } from './harness.js';
import { ours } from './ours.js';
import { raw } from './raw.js';

const JOBS = 20_000;
const [kind = 'batched', workersText = '1', roundsText = '6', variantsText = 'auto,raw'] = process.argv.slice(2);
const [workers, rounds] = [Number(workersText), Number(roundsText)];
if (kind !== 'batch-1' && kind !== 'batched') throw new Error(`first argument "${kind}": expected batch-1 or batched`);
const variants = variantsText.split(',');
for (const v of variants)
  if (v !== 'raw' && v !== 'auto' && !/^\d+$/.test(v)) throw new Error(`variant "${v}": expected auto, a whole number or raw`);

const server = process.env.DATABASE_URL ? undefined : await startPostgres({ settings: { max_connections: 400 } });
const url = process.env.DATABASE_URL ?? (server as NonNullable<typeof server>).url;
const subjects = new Map<string, Subject>(
  variants.map((v) => [v, v === 'raw' ? raw(url) : ours(url, { prefetch: v === 'auto' ? 'auto' : Number(v) })]),
);
const results = new Map<string, { rate: number; cpuUs: number }[]>();

try {
  for (let round = 0; round <= rounds; round++) {
    for (const [variant, subject] of subjects) {
      await subject.prepare(JOBS);
      await sqlOnce(url, 'analyze');
      const cpu = process.cpuUsage();
      const drain: Drain = await subject.drain(batchOf(kind === 'batched', subject.name), workers, JOBS, 10_000);
      const used = process.cpuUsage(cpu);
      if (round > 0)
        results.set(variant, [
          ...(results.get(variant) ?? []),
          { rate: (drain.jobs / drain.ms) * 1000, cpuUs: (used.user + used.system) / drain.jobs },
        ]);
    }
  }
  console.log(`${kind}, ${workers} worker(s), ${rounds} rounds of ${JOBS} jobs:`);
  for (const [variant, xs] of results) {
    const rates = xs.map((x) => x.rate);
    const label = variant === 'raw' ? 'raw SQL' : `prefetch ${variant}`;
    console.log(
      `${label}: ${Math.round(median(rates))} jobs/s (${Math.round(Math.min(...rates))}–${Math.round(Math.max(...rates))}), ` +
        `this process ${median(xs.map((x) => x.cpuUs)).toFixed(1)} µs of CPU a job`,
    );
  }
} finally {
  for (const subject of subjects.values()) await subject.close();
  await server?.destroy();
}
