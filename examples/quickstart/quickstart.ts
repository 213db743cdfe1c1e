import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Autoscaler, type ChartPoint, ceilTarget, chartSvg, type Decision } from '@fleet/core';
import { processProvider } from '@fleet/provider-local';
import { postgresQueue } from '@fleet/queue-postgres';
import { startPostgres } from '@fleet/queue-postgres/testing';
import pg from 'pg';
import { createLedger, readLedger } from './ledger.js';

/** How long things take; the test shortens them. */
export interface QuickstartOptions {
  /** S0's burst: the first wave, then the second after `secondWaveAtMs`. */
  waves: [number, number];
  secondWaveAtMs: number;
  intervalMs: number;
  cooldownDownMs: number;
  handleMs: number;
  /** Where the chart goes (an absolute path is printed). */
  chartPath: string;
  /** A line per tick and the summary go here. */
  print: (line: string) => void;
  /** Resolves to stop early (Ctrl-C). */
  interrupted?: Promise<void>;
}

/** What the run measured. */
export interface QuickstartSummary {
  drainedInMs: number;
  peakWorkers: number;
  workerSeconds: number;
  p95WaitMs: number;
  jobs: number;
  duplicates: number;
  scaleCalls: number[];
  chartPath: string;
  /** Autoscaler ticks, each a dot on the chart. */
  ticks: number;
  interrupted: boolean;
}

export const defaults: QuickstartOptions = {
  waves: [16, 50],
  secondWaveAtMs: 8_000,
  intervalMs: 2_000,
  cooldownDownMs: 10_000,
  handleMs: 1_200,
  // The current folder, not a fixed path in the shared temp folder: another user's run cannot collide with it.
  chartPath: resolve('fleet-quickstart.svg'),
  print: (line) => console.log(line),
};

/**
 * S0 on real components: an embedded PostgreSQL, the claim queue, up to 10 child processes running runWorker,
 * and an Autoscaler with S0's ceilTarget rule (shorter intervals). Cleans up every process and the server.
 */
export async function runQuickstart(o: QuickstartOptions = defaults): Promise<QuickstartSummary> {
  const server = await startPostgres();
  const cleanup: Array<() => Promise<unknown>> = [() => server.destroy()];
  try {
    const queue = postgresQueue<{ enqueuedAt: number; text: string }>({ connectionString: server.url, queue: 'quickstart', poolSize: 3 });
    cleanup.unshift(() => queue.close());
    await queue.migrate();
    await createLedger(server.url);
    // One client, not a pool: a pool's end() resolves before its sockets close, so the server stopped next would end
    // a connection still open, and the pool would re-emit that as an 'error' nobody listens to (a crash at exit).
    // client.end() resolves once its socket is closed; the listener covers the server going away mid-run.
    const ledger = new pg.Client({ connectionString: server.url });
    ledger.on('error', (error) => o.print(`ledger connection lost: ${error.message}`));
    await ledger.connect();
    cleanup.unshift(() => ledger.end());
    const provider = processProvider({
      script: new URL('./worker.ts', import.meta.url).pathname,
      execArgv: ['--import', 'tsx'],
      // The workers run from the packages' sources, like `pnpm demo` (tsx reads the paths in this tsconfig): no build.
      env: {
        DATABASE_URL: server.url,
        HANDLE_MS: String(o.handleMs),
        TSX_TSCONFIG_PATH: fileURLToPath(new URL('./tsconfig.json', import.meta.url)),
      },
      name: 'ai-bot-worker',
      min: 1,
      max: 10,
      drainTimeoutMs: 6_000,
      waitReady: true,
      output: 'ignore',
    });
    cleanup.unshift(() => provider.close());
    const scaler = new Autoscaler({
      metrics: queue.metricSource(),
      provider,
      policy: ceilTarget({ metric: 'ready', perWorker: 5, scaleUpAbove: 8, scaleDownBelow: 2, downDivisor: 7.5 }),
      min: 1,
      max: 10,
      intervalMs: o.intervalMs,
      cooldown: { up: 0, down: o.cooldownDownMs },
    });
    cleanup.unshift(() => scaler.stop());

    const started = Date.now();
    const seconds = () => `${((Date.now() - started) / 1000).toFixed(1).padStart(5)} s`;
    const scaleCalls: number[] = [];
    // One dot per tick on the chart: the queue the tick read and the size it decided.
    const ticks: ChartPoint[] = [];
    scaler.on('decision', (d: Decision) => {
      ticks.push({ t: Date.now() - started, queue: d.metrics.ready ?? 0, workers: d.to });
      o.print(
        `${seconds()}  queue ${String(d.metrics.ready ?? '?').padStart(3)}  workers ${String(d.from).padStart(2)} → ${String(d.to).padEnd(2)}  ${d.action.padEnd(10)} ${d.reason}`,
      );
    });
    scaler.on('scaled', (e) => scaleCalls.push(e.to));
    scaler.on('error', (e) => o.print(`${seconds()}  ${e.phase} error: ${e.error.message}`));

    // Samples for the chart and the worker-seconds: every 250 ms, the queue and the fleet as the backends see them.
    const samples: ChartPoint[] = [];
    const sampler = setInterval(async () => {
      const [stats, status] = await Promise.all([queue.stats(), provider.status(AbortSignal.timeout(1_000))]).catch(() => []);
      if (stats && status) samples.push({ t: Date.now() - started, queue: stats.ready + stats.running, workers: status.target });
    }, 250);
    cleanup.unshift(async () => clearInterval(sampler));

    const enqueue = (n: number, wave: number) =>
      queue.enqueue(Array.from({ length: n }, (_, i) => ({ payload: { enqueuedAt: Date.now(), text: `wave ${wave} message ${i + 1}` } })));
    await enqueue(o.waves[0], 1);
    o.print(`${seconds()}  +${o.waves[0]} messages`);
    scaler.start();
    const second = setTimeout(() => {
      void enqueue(o.waves[1], 2).then(() => o.print(`${seconds()}  +${o.waves[1]} messages`));
    }, o.secondWaveAtMs);
    cleanup.unshift(async () => clearTimeout(second));

    // Done when every message was handled and the fleet is back at one worker after the cooldown.
    const total = o.waves[0] + o.waves[1];
    let drainedAt = 0;
    let interrupted = false;
    void o.interrupted?.then(() => {
      interrupted = true;
    });
    for (;;) {
      await new Promise((r) => setTimeout(r, 250));
      if (interrupted) break;
      const seen = await readLedger(ledger);
      if (seen.jobs >= total && drainedAt === 0) drainedAt = Date.now() - started;
      if (drainedAt > 0 && scaler.lastDecision?.to === 1 && scaler.lastDecision.from === 1) break;
    }
    await scaler.stop();
    const seen = await readLedger(ledger);
    const workerMs = samples.reduce((sum, s, i) => sum + s.workers * (i === 0 ? 0 : s.t - (samples[i - 1] as ChartPoint).t), 0);
    writeFileSync(
      o.chartPath,
      chartSvg(samples, { title: `@fleet quickstart: ${total} messages through ceilTarget on 1–10 workers`, marks: ticks }),
    );
    return {
      drainedInMs: drainedAt,
      peakWorkers: Math.max(...samples.map((s) => s.workers)),
      workerSeconds: Math.round(workerMs / 100) / 10,
      p95WaitMs: seen.p95WaitMs,
      jobs: seen.jobs,
      duplicates: seen.duplicates,
      scaleCalls,
      chartPath: o.chartPath,
      ticks: ticks.length,
      interrupted,
    };
  } finally {
    for (const step of cleanup) await step().catch(() => {});
  }
}
