import { fleetError } from '../errors.js';

/** Jobs that arrive together: `count` jobs at `atMs` (ms since the start of the trace). */
export interface Arrival {
  atMs: number;
  count: number;
}

/** `ratePerSec` jobs a second, spread evenly, from `startMs` for `durationMs`. */
export function constantArrivals(o: { ratePerSec: number; durationMs: number; startMs?: number; stepMs?: number }): Arrival[] {
  return shapedArrivals(() => o.ratePerSec, o.durationMs, o.startMs ?? 0, o.stepMs ?? 1_000);
}

/** Bursts of `sizes[i]` jobs, the first at `startMs`, then one every `everyMs` (S0: 16, then 50). */
export function burstArrivals(o: { sizes: readonly number[]; everyMs: number; startMs?: number }): Arrival[] {
  return o.sizes.map((count, i) => ({ atMs: (o.startMs ?? 0) + i * o.everyMs, count }));
}

/**
 * A day's shape: the rate follows a cosine between `troughPerSec` (at the start) and `peakPerSec` (half a period
 * later), sampled every `stepMs`. Fractions carry over to the next step, so the total matches the curve.
 */
export function diurnalArrivals(o: {
  troughPerSec: number;
  peakPerSec: number;
  durationMs: number;
  /** @default 86_400_000 (a day) */
  periodMs?: number;
  /** @default 60_000 */
  stepMs?: number;
}): Arrival[] {
  const period = o.periodMs ?? 86_400_000;
  const mid = (o.peakPerSec + o.troughPerSec) / 2;
  const amplitude = (o.peakPerSec - o.troughPerSec) / 2;
  return shapedArrivals((t) => mid - amplitude * Math.cos((2 * Math.PI * t) / period), o.durationMs, 0, o.stepMs ?? 60_000);
}

function shapedArrivals(rateAt: (t: number) => number, durationMs: number, startMs: number, stepMs: number): Arrival[] {
  const out: Arrival[] = [];
  let carry = 0;
  for (let t = 0; t < durationMs; t += stepMs) {
    carry += (Math.max(0, rateAt(t)) * stepMs) / 1000;
    const count = Math.floor(carry + 1e-9);
    carry -= count;
    if (count > 0) out.push({ atMs: startMs + t, count });
  }
  return out;
}

/**
 * Replays a CSV of arrival timestamps, one job per line (first column), relative to the earliest: epoch ms,
 * epoch seconds with a fraction, or ISO 8601 dates. A header line and blank lines are skipped.
 */
export function csvArrivals(text: string): Arrival[] {
  const times: number[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    const cell = (line.split(',')[0] ?? '').trim().replace(/^"|"$/g, '');
    if (cell === '' || (i === 0 && !/^[\d.]/.test(cell))) return;
    const at = /^\d+(\.\d+)?$/.test(cell) ? (cell.includes('.') ? Number(cell) * 1000 : Number(cell)) : Date.parse(cell);
    if (!Number.isFinite(at)) {
      throw fleetError(
        'core',
        'invalid-options',
        `csv trace line ${i + 1}: expected a timestamp (epoch ms, epoch s or ISO 8601), got "${cell}"`,
      );
    }
    times.push(at);
  });
  if (times.length === 0) throw fleetError('core', 'invalid-options', 'csv trace: expected at least one timestamp');
  const start = Math.min(...times);
  const counts = new Map<number, number>();
  for (const t of times) counts.set(Math.round(t - start), (counts.get(Math.round(t - start)) ?? 0) + 1);
  return [...counts].sort(([a], [b]) => a - b).map(([atMs, count]) => ({ atMs, count }));
}
