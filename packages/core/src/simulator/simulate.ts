import { Autoscaler } from '../autoscaler.js';
import type { DecisionAction, DecisionCode } from '../decision.js';
import { parseWith } from '../errors.js';
import type { AutoscalerOptions } from '../options.js';
import { FakeClock } from '../testing/fake-clock.js';
import { memoryProvider } from '../testing/memory-provider.js';
import { renderSvg, renderTable } from './render.js';
import { type SimulateOptions, simulateSchema } from './schema.js';
import { seededRandom, serviceTimeSampler } from './service-time.js';
import { type SimulationSummary, summarize } from './summary.js';

export type { SimulateOptions } from './schema.js';
export type { SimulationSummary } from './summary.js';

/** One tick of a simulation. */
export interface TimelinePoint {
  /** Ms since the start. */
  t: number;
  /** Jobs waiting. */
  queue: number;
  /** Target size after the tick. */
  workers: number;
  ready: number;
  action: DecisionAction;
  code: DecisionCode;
  reason: string;
}

/** What {@link simulate} returns. */
export interface SimulationResult {
  timeline: TimelinePoint[];
  summary: SimulationSummary;
  /** The timeline as a fixed-width text table. */
  table(): string;
  /** Queue depth and workers at every simulation step (finer than the ticks), for charts. */
  samples: Array<Pick<TimelinePoint, 't' | 'queue' | 'workers'>>;
  /** Queue depth and workers over time (every step) as a standalone SVG document, with a dot per tick. */
  svg(options?: { title?: string; width?: number; height?: number }): string;
}

interface Job {
  arrivedAt: number;
}

/**
 * Replays an arrival trace through an Autoscaler on a FakeClock, with simulated workers that take `startupMs` to
 * become ready and `serviceTimeMs` per job (a number or a seeded distribution; one at a time; a stopped worker finishes its job first). Deterministic:
 * the same options give the same timeline, so policies can be compared on the same trace.
 *
 * @example
 * const result = await simulate({
 *   autoscaler: { policy: ceilTarget({ metric: 'pending', perWorker: 5, scaleUpAbove: 8, scaleDownBelow: 2 }), min: 1, max: 10 },
 *   arrivals: [{ atMs: 0, count: 16 }, { atMs: 30_000, count: 50 }],
 *   serviceTimeMs: 1_200, startupMs: 2_000, durationMs: 180_000,
 * });
 * console.log(result.table(), result.summary);
 */
export async function simulate(options: SimulateOptions): Promise<SimulationResult> {
  const o = parseWith(simulateSchema, options, 'core', 'simulate options');
  const clock = new FakeClock(0);
  const provider = memoryProvider({ clock, initial: o.initial, startupMs: o.startupMs, name: 'simulated' });
  const queue: Job[] = [];
  const busy = new Map<number, number>(); // worker index -> busy until
  const draining: number[] = []; // busy-until of removed workers still finishing their job
  const waits: number[] = [];
  let workerMs = 0;
  let arrived = 0;
  const serviceTime = serviceTimeSampler(o.serviceTimeMs, seededRandom(o.seed));
  const trace = [...o.arrivals].sort((a, b) => a.atMs - b.atMs).filter((a) => a.atMs <= o.durationMs);

  const autoscaler: AutoscalerOptions = {
    ...(o.autoscaler as Omit<AutoscalerOptions, 'metrics' | 'provider'>),
    clock,
    provider,
    metrics: {
      name: 'simulated-queue',
      read: async () => ({
        pending: queue.length,
        ready: queue.length,
        running: busy.size,
        oldestReadyAgeMs: queue.length ? clock.now() - (queue[0] as Job).arrivedAt : 0,
        enqueuedTotal: arrived,
      }),
    },
  };
  const scaler = new Autoscaler(autoscaler);
  const timeline: TimelinePoint[] = [];
  const samples: SimulationResult['samples'] = [];
  scaler.on('tick', ({ decision: d }) => {
    const ready = provider.workers.filter((w) => clock.now() - w.startedAt >= o.startupMs).length;
    timeline.push({ t: d.at, queue: queue.length, workers: d.to, ready, action: d.action, code: d.code, reason: d.reason });
  });

  // Everything runs on the FakeClock's timers. At equal times the clock fires in the order timers were set, so
  // arrivals (set first) land before the tick, and the tick (its timer set one interval earlier) runs before the
  // workers take jobs (their timer set one step earlier): the tick sees S0's "16 pending on 1 worker".
  for (const { atMs, count } of trace) {
    clock.setTimeout(() => {
      for (let i = 0; i < count; i++) queue.push({ arrivedAt: atMs });
      arrived += count;
    }, atMs);
  }
  const work = () => {
    const now = clock.now();
    const live = new Set(provider.workers.map((w) => w.index));
    for (const [index, until] of busy) {
      if (!live.has(index)) {
        draining.push(until); // stopped: it finishes what it holds
        busy.delete(index);
      } else if (until <= now) busy.delete(index);
    }
    for (const w of provider.workers) {
      if (now - w.startedAt < o.startupMs || busy.has(w.index) || queue.length === 0) continue;
      const job = queue.shift() as Job;
      waits.push(now - job.arrivedAt);
      busy.set(w.index, now + serviceTime());
    }
    for (let i = draining.length - 1; i >= 0; i--) if ((draining[i] as number) <= now) draining.splice(i, 1);
    workerMs += (provider.workers.length + draining.length) * o.stepMs;
    samples.push({ t: now, queue: queue.length, workers: provider.workers.length });
    if (now + o.stepMs <= o.durationMs) clock.setTimeout(work, o.stepMs);
  };

  await clock.advance(0); // the arrivals at t=0, before the first tick
  scaler.start();
  clock.setTimeout(work, 0);
  await clock.advance(o.durationMs);
  await scaler.stop();
  const summary = summarize(timeline, waits, workerMs, queue.length, arrived);
  return {
    timeline,
    samples,
    summary,
    table: () => renderTable(timeline),
    svg: (opts) => renderSvg(timeline, { ...opts, samples }),
  };
}
