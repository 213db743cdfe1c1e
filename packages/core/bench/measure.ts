/** The median of a non-empty list. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** Keeps results alive so the JIT cannot drop the measured work. */
export let sink = 0;
export function consume(x: number): void {
  sink = (sink + x) | 0;
}

/** Runs `body(n)` once and returns its duration in ns. */
export function time(body: (n: number) => void, n: number): number {
  const start = process.hrtime.bigint();
  body(n);
  return Number(process.hrtime.bigint() - start);
}

/** The op count that makes one run of `body` last about `targetMs` (doubling from 1,000, which also warms up). */
export function calibrate(body: (n: number) => void, targetMs: number): number {
  let n = 1_000;
  for (;;) {
    const ns = time(body, n);
    if (ns >= targetMs * 250_000 || n >= 1 << 26) return Math.max(1_000, Math.round((n * targetMs * 1e6) / ns));
    n *= 2;
  }
}

/**
 * Median ns per op of several subjects, measured in alternation (run 1 of each, then run 2 of each…) so that a
 * noisy neighbour slows them alike. Each subject is calibrated to about `targetMs` per run, then warmed up.
 */
export function compare(subjects: Record<string, (n: number) => void>, { runs = 7, targetMs = 150 } = {}): Record<string, number> {
  const sizes = Object.fromEntries(Object.entries(subjects).map(([k, body]) => [k, calibrate(body, targetMs)]));
  for (const [k, body] of Object.entries(subjects)) time(body, sizes[k] as number); // warm-up at full size
  const samples: Record<string, number[]> = Object.fromEntries(Object.keys(subjects).map((k) => [k, []]));
  for (let r = 0; r < runs; r++) {
    for (const [k, body] of Object.entries(subjects)) {
      const n = sizes[k] as number;
      samples[k]?.push(time(body, n) / n);
    }
  }
  return Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, median(v)]));
}

/** Heap used after a full collection (needs `node --expose-gc`). */
export function heapAfterGc(): number {
  if (!globalThis.gc) throw new Error('run with node --expose-gc (the package script `bench` does)');
  globalThis.gc();
  globalThis.gc();
  return process.memoryUsage().heapUsed;
}

/** A small deterministic generator (mulberry32, the simulator's), so every run sees the same readings. */
export { seededRandom as random } from '../src/simulator/service-time.js';
