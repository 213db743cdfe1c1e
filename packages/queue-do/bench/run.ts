// pnpm --filter @fleet/queue-do bench: claim + complete throughput of the queue object against S0's naive object,
// both in the real workerd (Miniflare), at constant depths. FLEET_BENCH_OUT=<dir> also writes <dir>/queue-do.json.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { Miniflare } from 'miniflare';
import { bundle } from '../test/support/workerd.js';
import { workerdCpuMs } from './cpu.js';

const DEPTHS = [1_000, 10_000, 100_000];
const BATCHES = [1, 50];
const RUNS = Number(process.env.BENCH_RUNS ?? 7);
/** Wall time a timed request should hold, so the subtracted request overhead is small beside it. */
const TARGET_MS = 300;

/** `ours` calls the object's store; `api` sends the same rounds through the object's request handler. */
type Subject = 'ours' | 'api' | 'naive';
const label: Record<Subject, string> = { ours: '@fleet/queue-do', api: '@fleet/queue-do', naive: 'naive' };
const route: Record<Subject, string> = { ours: 'bench-claim', api: 'bench-api', naive: 'bench-claim' };
const casePrefix: Record<Subject, string> = { ours: 'claim', api: 'api-claim', naive: 'claim' };

const median = (values: number[]) => {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
};

async function main() {
  const mf = new Miniflare({
    modules: true,
    script: await bundle('../../bench/bench-worker.ts'),
    compatibilityDate: '2025-04-01',
    // No request.cf data: Miniflare would otherwise try to download it.
    cf: false,
    host: '127.0.0.1',
    port: 0,
    bindings: { FLEET_QUEUE_TOKEN: 'bench' },
    durableObjects: { OURS: { className: 'BenchQueue', useSQLite: true }, NAIVE: { className: 'BenchNaive', useSQLite: true } },
  });
  const origin = (await mf.ready).origin;
  const cpuMs = workerdCpuMs();
  const call = async (path: string) => {
    const started = performance.now();
    const cpuStarted = cpuMs?.() ?? 0;
    const response = await fetch(`${origin}${path}`);
    const body = (await response.json()) as { claimed?: number; ready?: number };
    if (!response.ok) throw new Error(`${path}: ${response.status} ${JSON.stringify(body)}`);
    const wall = performance.now() - started;
    return { ms: cpuMs ? cpuMs() - cpuStarted : wall, wall, body };
  };
  const rows: { subject: string; case: string; value: number; unit: string }[] = [];
  const table: Record<string, string | number>[] = [];
  type Case = {
    subject: Subject;
    depth: number;
    batch: number;
    object: string;
    k: number;
    perRun: number[];
    wall: number[];
    emptyMs: number[];
  };
  const cases: Case[] = [];
  try {
    for (const depth of DEPTHS) {
      for (const subject of ['ours', 'api', 'naive'] as Subject[]) {
        // `ours` and `api` share an object: both keep its depth.
        const object = `/${subject === 'naive' ? 'naive' : 'ours'}/depth-${depth}`;
        if (subject !== 'api') {
          const filled = await call(`${object}/bench-fill?n=${depth}`);
          if (filled.body.ready !== depth) throw new Error(`${object}: filled ${filled.body.ready} of ${depth}`);
        }
        for (const batch of BATCHES) {
          // Calibrate K so that a timed request holds about TARGET_MS of storage work.
          let k = 1;
          for (;;) {
            const { ms } = await call(`${object}/${route[subject]}?k=${k}&batch=${batch}`);
            if (ms >= TARGET_MS / 2 || k >= 1 << 16) {
              k = Math.max(1, Math.round((k * TARGET_MS) / ms));
              break;
            }
            k *= 4;
          }
          cases.push({ subject, depth, batch, object, k, perRun: [], wall: [], emptyMs: [] });
        }
      }
    }
    // Runs go round all cases in turn, so a change in the machine's load falls on every case alike.
    for (let run = 0; run < RUNS; run++) {
      for (const c of cases) {
        const empty = await call(`${c.object}/bench-empty?k=${c.k}&batch=${c.batch}`);
        const timed = await call(`${c.object}/${route[c.subject]}?k=${c.k}&batch=${c.batch}`);
        if (timed.body.claimed !== c.k * c.batch) throw new Error(`${c.object}: claimed ${timed.body.claimed} of ${c.k * c.batch}`);
        c.emptyMs.push(empty.ms);
        c.perRun.push((c.k * c.batch) / (Math.max(0.001, timed.ms - empty.ms) / 1_000));
        c.wall.push((c.k * c.batch) / (Math.max(0.001, timed.wall - empty.wall) / 1_000));
      }
      console.error(`run ${run + 1} of ${RUNS} done`);
    }
    for (const c of cases) {
      const value = Math.round(median(c.perRun));
      rows.push({ subject: label[c.subject], case: `${casePrefix[c.subject]}/depth-${c.depth}/batch-${c.batch}`, value, unit: 'claims/s' });
      table.push({
        subject: label[c.subject],
        case: casePrefix[c.subject],
        depth: c.depth,
        batch: c.batch,
        'claims/s': value,
        'µs/claim': Number((1e6 / value).toFixed(1)),
        'claims/s by wall time': Math.round(median(c.wall)),
        'K per request': c.k,
        'empty route ms': Number(median(c.emptyMs).toFixed(2)),
      });
    }
  } finally {
    await mf.dispose();
  }
  console.table(table);
  const value = (subject: Subject, depth: number, batch: number) =>
    rows.find((r) => r.subject === label[subject] && r.case === `${casePrefix[subject]}/depth-${depth}/batch-${batch}`)?.value ??
    Number.NaN;
  const checks = [
    ['claim time at depth 100,000 ÷ depth 1,000 (batch 1)', value('ours', 1_000, 1) / value('ours', 100_000, 1), '≤ 1.5'],
    ['claim time at depth 100,000 ÷ depth 1,000 (batch 50)', value('ours', 1_000, 50) / value('ours', 100_000, 50), '≤ 1.5'],
    ['batch-50 ÷ batch-1 throughput (depth 10,000)', value('ours', 10_000, 50) / value('ours', 10_000, 1), '≥ 30'],
    ['  the same through the request handler', value('api', 10_000, 50) / value('api', 10_000, 1), '(for reference)'],
    ['ours ÷ naive at depth 10,000 (batch 1)', value('ours', 10_000, 1) / value('naive', 10_000, 1), '≥ 50'],
    ['ours ÷ naive at depth 10,000 (batch 50)', value('ours', 10_000, 50) / value('naive', 10_000, 50), '≥ 50'],
  ] as const;
  for (const [what, ratio, target] of checks) console.log(`${what}: ${ratio.toFixed(2)} (target ${target})`);

  const out = process.env.FLEET_BENCH_OUT;
  if (out) {
    mkdirSync(out, { recursive: true });
    const cpu = cpus()[0]?.model ?? 'unknown';
    const result = { name: '@fleet/queue-do', node: process.version, cpu, at: new Date().toISOString(), rows };
    writeFileSync(join(out, 'queue-do.json'), `${JSON.stringify(result, null, 2)}\n`);
  }
  // workerd is miniflare's dependency, so it resolves from there.
  const miniflarePkg = createRequire(import.meta.url).resolve('miniflare/package.json');
  const versions = [miniflarePkg, createRequire(miniflarePkg).resolve('workerd/package.json')].map((file) => {
    const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name: string; version: string };
    return `${pkg.name} ${pkg.version}`;
  });
  console.log(cpuMs ? 'claims/s from the CPU time workerd used (wall-time figures beside them)' : 'claims/s from wall time');
  console.log(`node ${process.version}, ${versions.join(', ')}, ${cpus()[0]?.model ?? ''} × ${cpus().length}`);
}

await main();
