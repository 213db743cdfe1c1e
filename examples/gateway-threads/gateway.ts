import { Autoscaler, type MetricSource, processMetrics, thresholds } from '@fleet/core';
import { threadProvider } from '@fleet/provider-local';
import { Traffic } from './traffic.js';

/** S3's numbers; the test shortens the times. */
export interface GatewayOptions {
  /** S3: 10 s. */
  intervalMs?: number;
  /** S3: 30 s up, 60 s down. */
  cooldown?: { up: number; down: number };
  /** How often the metrics line is printed. @default 10_000 */
  metricsEveryMs?: number;
  print?: (line: string) => void;
}

/**
 * S3's gateway: 2–8 worker threads with least-loaded dispatch (`threadProvider` as a pool). Every tick: up when
 * load > 70 % or CPU > 60 % or latency > 50 ms or pending > 3 per worker; down only when load < 30 % and CPU < 30 %
 * and latency < 10 ms and nothing is pending. Prints S3's metrics line: throughput, latency avg/max, CPU, memory, errors.
 */
export async function startGateway(o: GatewayOptions = {}) {
  const pool = threadProvider({
    file: new URL('./route-thread.mjs', import.meta.url),
    name: 'gateway',
    min: 2,
    max: 8,
    initial: 2,
    waitReady: true,
    drainTimeoutMs: 5_000,
  });
  const forScaler = new Traffic();
  const forLine = new Traffic();
  const gateway: MetricSource = {
    name: 'gateway',
    read: async () => {
      const inFlight = Object.values(pool.load());
      const busy = inFlight.filter((n) => n > 0).length;
      return {
        load: inFlight.length ? (busy / inFlight.length) * 100 : 0,
        pending: inFlight.reduce((sum, n) => sum + Math.max(0, n - 1), 0), // waiting behind the message in hand
        latencyMs: forScaler.take().avgMs,
      };
    },
  };
  const cpu = processMetrics();
  const scaler = new Autoscaler({
    name: 'gateway',
    metrics: [gateway, cpu],
    provider: pool,
    policy: thresholds({
      up: [
        { metric: 'load', above: 70 },
        { metric: 'cpuPercent', above: 60 },
        { metric: 'latencyMs', above: 50 },
        { metric: 'pending', above: 3, perWorker: true },
      ],
      down: [
        { metric: 'load', below: 30 },
        { metric: 'cpuPercent', below: 30 },
        { metric: 'latencyMs', below: 10 },
        { metric: 'pending', atMost: 0 },
      ],
    }),
    min: 2,
    max: 8,
    intervalMs: o.intervalMs ?? 10_000,
    cooldown: o.cooldown ?? { up: 30_000, down: 60_000 },
  });
  const lineCpu = processMetrics();
  const print = o.print ?? console.log;
  const line = setInterval(async () => {
    const t = forLine.take();
    const p = await lineCpu.read(AbortSignal.timeout(1_000));
    const threads = Object.keys(pool.load()).length;
    print(
      `[gateway] ${t.perSec.toFixed(1)} msg/s | latency avg ${t.avgMs.toFixed(1)} ms max ${t.maxMs.toFixed(1)} ms | ` +
        `CPU ${Number(p.cpuPercent).toFixed(0)} % | memory ${Number(p.rssMb).toFixed(0)} MB | errors ${t.errors} | threads ${threads}`,
    );
  }, o.metricsEveryMs ?? 10_000);
  scaler.start();
  return {
    pool,
    scaler,
    /** Routes one message on the least-loaded thread; resolves with the id of the thread that handled it. */
    async handle(message: { cpuMs?: number; ioMs?: number }): Promise<number> {
      const started = performance.now();
      let ok = false;
      try {
        const thread = await pool.run<number>(message);
        ok = true;
        return thread;
      } finally {
        const ms = performance.now() - started;
        forScaler.record(ms, ok);
        forLine.record(ms, ok);
      }
    },
    async stop() {
      clearInterval(line);
      await scaler.stop();
      cpu.close();
      lineCpu.close();
      await pool.close();
    },
  };
}
