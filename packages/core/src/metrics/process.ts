import { createHistogram, performance } from 'node:perf_hooks';
import { z } from 'zod';
import { parseWith } from '../errors.js';
import type { MetricSource } from '../metric.js';

const SAMPLE_MS = 10;

/** Options of {@link processMetrics}. */
export interface ProcessMetricsOptions {
  /** Prefix for the keys. @default '' */
  prefix?: string;
  /** Event-loop delay percentile to report. @default 99 */
  percentile?: number;
}

const schema = z.strictObject({
  prefix: z.string().default(''),
  percentile: z.number().gt(0).max(100).default(99),
});
schema satisfies z.ZodType<unknown, ProcessMetricsOptions>;

/**
 * This process's own load, for policies like S3's "CPU > 60 % or latency > 50 ms": `cpuPercent` (user + system
 * time over wall time since the previous read, 100 = one full core), `eventLoopDelayMs` (the chosen percentile
 * since the previous read, sampled every 10 ms), `rssMb` and `heapUsedMb`. The first read reports since the source
 * was created. Call `close()` to stop its sampling timer (it never keeps the process alive).
 *
 * @example new Autoscaler({ metrics: [queue.metricSource(), processMetrics()], ... })
 */
export function processMetrics(options: ProcessMetricsOptions = {}): MetricSource & { close(): void } {
  const { prefix, percentile } = parseWith(schema, options, 'core', 'processMetrics options');
  // Our own drift timer rather than monitorEventLoopDelay: resetting that one between reads also drops the
  // interval in progress, so a block that spans a read would never be seen.
  const delay = createHistogram();
  let expected = performance.now() + SAMPLE_MS;
  const timer = setInterval(() => {
    const now = performance.now();
    delay.record(Math.max(1, Math.round((now - expected) * 1e6)));
    expected = now + SAMPLE_MS;
  }, SAMPLE_MS);
  timer.unref();
  let lastCpu = process.cpuUsage();
  let lastAt = process.hrtime.bigint();
  return {
    name: 'process',
    keys: ['cpuPercent', 'eventLoopDelayMs', 'rssMb', 'heapUsedMb'].map((key) => `${prefix}${key}`),
    async read() {
      const now = process.hrtime.bigint();
      const cpu = process.cpuUsage(lastCpu);
      const wallMicros = Number(now - lastAt) / 1000;
      lastCpu = process.cpuUsage();
      lastAt = now;
      const memory = process.memoryUsage();
      const reading = {
        [`${prefix}cpuPercent`]: wallMicros > 0 ? ((cpu.user + cpu.system) / wallMicros) * 100 : 0,
        [`${prefix}eventLoopDelayMs`]: delay.count > 0 ? delay.percentile(percentile) / 1e6 : 0,
        [`${prefix}rssMb`]: memory.rss / 1048576,
        [`${prefix}heapUsedMb`]: memory.heapUsed / 1048576,
      };
      delay.reset();
      return reading;
    },
    close() {
      clearInterval(timer);
    },
  };
}
