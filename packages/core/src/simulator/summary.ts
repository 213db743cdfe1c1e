import type { TimelinePoint } from './simulate.js';

/** The figures that compare two policies on the same trace. */
export interface SimulationSummary {
  /** Jobs that arrived, and those still waiting at the end. */
  arrived: number;
  leftWaiting: number;
  /** Wait from arrival to start, in ms. */
  waitP50Ms: number;
  waitP95Ms: number;
  waitMaxMs: number;
  /** Worker-seconds paid for (starting, running, idle and draining). */
  workerSeconds: number;
  peakWorkers: number;
  /** Ticks that changed the size. */
  scaleEvents: number;
  /** Changes of direction between consecutive scale events (up then down, or down then up). */
  flaps: number;
  /** When the queue was last seen empty after its last non-empty tick, in ms; undefined if it never drained. */
  drainedAtMs: number | undefined;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number;
}

export function summarize(
  timeline: TimelinePoint[],
  waits: number[],
  workerMs: number,
  leftWaiting: number,
  arrived: number,
): SimulationSummary {
  const sorted = [...waits].sort((a, b) => a - b);
  const scales = timeline.filter((p) => p.action !== 'hold');
  let flaps = 0;
  for (let i = 1; i < scales.length; i++) if ((scales[i] as TimelinePoint).action !== (scales[i - 1] as TimelinePoint).action) flaps++;
  const lastBusy = timeline.map((p) => p.queue > 0).lastIndexOf(true);
  const drained = lastBusy >= 0 && lastBusy < timeline.length - 1 ? (timeline[lastBusy + 1] as TimelinePoint).t : undefined;
  return {
    arrived,
    leftWaiting,
    waitP50Ms: percentile(sorted, 50),
    waitP95Ms: percentile(sorted, 95),
    waitMaxMs: sorted.length ? (sorted[sorted.length - 1] as number) : 0,
    workerSeconds: Math.round(workerMs / 100) / 10,
    peakWorkers: Math.max(0, ...timeline.map((p) => p.workers)),
    scaleEvents: scales.length,
    flaps,
    drainedAtMs: drained,
  };
}
