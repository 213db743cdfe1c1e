// @fleet/core benchmark: `pnpm --filter @fleet/core bench` (builds, then node --expose-gc --import tsx bench/run.ts).
// Prints a table; with FLEET_BENCH_OUT=<folder> also writes <folder>/core.json (see DESIGN.md, "Benchmarks").
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import type { ScalerState } from '../src/index.js';
import { parseAutoscalerOptions } from '../src/options.js';
import { compare, consume, heapAfterGc, median, random } from './measure.js';
import { createCalculateOptimalWorkers, S0 } from './peer.js';

// Measure the built package, the code users run (`bench` builds first): tsx's transform of the sources adds a
// keep-names helper to every closure and makes decide() about 40 % slower than it really is.
type Core = typeof import('../src/index.js');
type Testing = typeof import('../src/testing/index.js');
const dist = (path: string) => new URL(`../dist/${path}`, import.meta.url).href;
const { Autoscaler, ceilTarget, decide, initialState, recordScale }: Core = await import(dist('index.js'));
const { FakeClock, fixedMetric, memoryProvider }: Testing = await import(dist('testing/index.js'));

interface Row {
  subject: string;
  case: string;
  value: number;
  unit: string;
}

const T0 = Date.UTC(2026, 0, 1);
const TICK_MS = 10_000;
const s0Policy = () =>
  ceilTarget({
    metric: 'pending',
    perWorker: S0.perWorker,
    scaleUpAbove: S0.scaleUpAbove,
    scaleDownBelow: S0.scaleDownBelow,
    downDivisor: S0.downDivisor,
  });

// Varied readings: bursts, quiet spells and empty queues, so both paths scale up, hold, wait out cooldowns, scale down.
const READINGS = 4096;
const pendings = (() => {
  const next = random(7);
  return Array.from({ length: READINGS }, () => (next() < 0.1 ? 0 : Math.floor(next() * 100)));
})();
const metrics = pendings.map((pending) => ({ pending }));

/** (a) The pure path as the loop runs it: decide(), then recordScale() when the size changes. */
function decidePath(): (n: number) => void {
  const config = parseAutoscalerOptions({
    metrics: fixedMetric({}),
    provider: memoryProvider(),
    policy: s0Policy(),
    min: 1,
    max: S0.max,
  });
  return (n) => {
    let state: ScalerState = initialState();
    let current = 1;
    let now = T0;
    for (let i = 0; i < n; i++) {
      now += TICK_MS;
      const result = decide(config, state, {
        now,
        status: { target: current, ready: current },
        metrics: metrics[i % READINGS] as { pending: number },
      });
      state = result.state;
      const to = result.decision.to;
      if (to !== current) {
        state = recordScale(config, state, now, current, to);
        current = to;
      }
    }
    consume(current);
  };
}

/** (a) The peer: S0's hand-written function with its cooldown in a closure, on the same readings and clock. */
function peerPath(): (n: number) => void {
  return (n) => {
    let now = T0;
    const calculateOptimalWorkers = createCalculateOptimalWorkers(() => now);
    let current = 1;
    for (let i = 0; i < n; i++) {
      now += TICK_MS;
      current = calculateOptimalWorkers(pendings[i % READINGS] as number, current);
    }
    consume(current);
  };
}

/** An Autoscaler on a FakeClock with the in-memory provider and a scripted metric. */
function fullLoop(withHistory: boolean) {
  const clock = new FakeClock(T0);
  const metric = fixedMetric({ pending: 0 }, 'claim-queue');
  const provider = memoryProvider({ clock, initial: 1, scaleToZero: false });
  const scaler = new Autoscaler({
    clock,
    metrics: metric,
    provider,
    policy: s0Policy(),
    min: 1,
    max: S0.max,
    intervalMs: TICK_MS,
    cooldown: { up: 0, down: S0.cooldownDownMs },
    ...(withHistory
      ? {
          stabilization: { up: 30_000, down: 120_000 },
          rateLimit: {
            up: {
              limits: [
                { workers: 4, periodMs: 60_000 },
                { percent: 100, periodMs: 60_000 },
              ],
            },
            down: { limits: [{ percent: 50, periodMs: 180_000 }] },
          },
        }
      : {}),
  });
  return { clock, metric, scaler, provider };
}

/** (b) ns per `evaluate()` (status, metrics, decide, scaleTo), the clock advanced between ticks outside the timing. */
async function evaluateNs(ticks: number, runs: number): Promise<number> {
  const { clock, metric, scaler } = fullLoop(false);
  const samples: number[] = [];
  for (let r = -1; r < runs; r++) {
    let ns = 0;
    for (let i = 0; i < ticks; i++) {
      metric.set(metrics[i % READINGS] as { pending: number });
      const start = process.hrtime.bigint();
      await scaler.evaluate();
      ns += Number(process.hrtime.bigint() - start);
      await clock.advance(TICK_MS);
    }
    if (r >= 0) samples.push(ns / ticks); // run -1 is the warm-up
  }
  return median(samples);
}

/** (c) Heap after GC at 10 %, 50 % and 100 % of `total` full ticks, with stabilization and rate limits on. */
async function heapOverTicks(total: number): Promise<{ at: number; bytes: number }[]> {
  const { clock, metric, scaler, provider } = fullLoop(true);
  const marks = new Set([total / 10, total / 2, total]);
  const samples: { at: number; bytes: number }[] = [];
  // The in-memory provider logs every scaleTo in `calls` by design (a test hook, not the Autoscaler's memory): the
  // bench empties that log as it goes, so the samples show what the Autoscaler itself keeps.
  const log = provider.calls as unknown[];
  for (let i = 1; i <= total; i++) {
    metric.set(metrics[i % READINGS] as { pending: number });
    await scaler.evaluate();
    await clock.advance(TICK_MS);
    if (i % 1_000 === 0) log.length = 0;
    if (marks.has(i)) samples.push({ at: i, bytes: heapAfterGc() });
  }
  return samples;
}

const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(2)} MiB`;
const fmt = (x: number) => (x >= 100 ? x.toFixed(0) : x.toFixed(1));

async function main(): Promise<void> {
  const started = Date.now();
  const rows: Row[] = [];

  const a = compare({ ours: decidePath(), peer: peerPath() }, { runs: 7, targetMs: 150 });
  rows.push({ subject: '@fleet/core', case: 'decide/s0-ceilTarget', value: a.ours as number, unit: 'ns' });
  rows.push({ subject: 'calculateOptimalWorkers', case: 'decide/s0-ceilTarget', value: a.peer as number, unit: 'ns' });

  const tickNs = await evaluateNs(20_000, 5);
  rows.push({ subject: '@fleet/core', case: 'evaluate/memory-provider/fixed-metric', value: tickNs, unit: 'ns' });

  const TOTAL = 1_000_000;
  const heap = await heapOverTicks(TOTAL);
  for (const h of heap) rows.push({ subject: '@fleet/core', case: `heap-after-gc/ticks-${h.at}`, value: h.bytes, unit: 'bytes' });
  const first = heap[0]?.bytes ?? 0;
  const last = heap.at(-1)?.bytes ?? 0;
  const growth = last - first;
  // Flat: the last sample within 1 MiB + 5 % of the first (GC and JIT leave some noise; a leak grows with ticks).
  const margin = 2 ** 20 + first * 0.05;
  const flat = growth <= margin;
  rows.push({ subject: '@fleet/core', case: 'heap-growth/10pct-to-100pct', value: growth, unit: 'bytes' });

  const cpu = cpus()[0]?.model ?? 'unknown';
  const out: string[] = [];
  out.push(`@fleet/core bench: node ${process.version}, ${cpu} × ${cpus().length}`);
  out.push('');
  out.push(`${'subject'.padEnd(25)}${'case'.padEnd(42)}${'value'.padStart(14)}  unit`);
  for (const r of rows) {
    const value = r.unit === 'bytes' ? mib(r.value) : fmt(r.value);
    out.push(`${r.subject.padEnd(25)}${r.case.padEnd(42)}${value.padStart(14)}  ${r.unit === 'bytes' ? '' : r.unit}`);
  }
  out.push('');
  const ratio = (a.ours as number) / (a.peer as number);
  out.push(`decide() vs calculateOptimalWorkers: ${fmt(ratio)}× the ns per decision`);
  out.push(`  (decide() also checks bounds, stabilization, cooldowns, rate limits and writes a reason for every decision)`);
  const samples = heap.map((h) => `${mib(h.bytes)} at ${(h.at / TOTAL) * 100} %`).join(', ');
  const change = `${growth >= 0 ? '+' : ''}${mib(growth)} from 10 % to 100 %, margin ${mib(margin)}`;
  const verdict = `${flat ? 'flat' : 'GROWING'} (${change})`;
  out.push(`heap over ${TOTAL.toLocaleString('en')} ticks: ${samples}: ${verdict}`);
  out.push(`medians of 7 runs (a) and 5 runs (b) after warm-up; total ${((Date.now() - started) / 1000).toFixed(1)} s`);
  process.stdout.write(`${out.join('\n')}\n`);

  const folder = process.env.FLEET_BENCH_OUT;
  if (folder) {
    mkdirSync(folder, { recursive: true });
    const rounded = rows.map((r) => ({ ...r, value: r.unit === 'ns' ? Math.round(r.value * 10) / 10 : r.value }));
    const report = { name: '@fleet/core', node: process.version, cpu, at: new Date().toISOString(), rows: rounded };
    writeFileSync(join(folder, 'core.json'), `${JSON.stringify(report, null, 2)}\n`);
  }
}

await main();
