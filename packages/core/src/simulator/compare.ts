import { fleetError } from '../errors.js';
import type { SimulateOptions } from './schema.js';
import { type SimulationResult, simulate } from './simulate.js';
import type { SimulationSummary } from './summary.js';

/** A trace to replay: everything of `simulate`'s options but the Autoscaler's. */
export type SimulationTrace = Omit<SimulateOptions, 'autoscaler'> & {
  /** Shown in titles. */
  name?: string;
};

/** One policy's run in a {@link compare}. */
export interface ComparisonRow {
  name: string;
  summary: SimulationSummary;
  result: SimulationResult;
}

/** What {@link compare} returns. */
export interface Comparison {
  rows: ComparisonRow[];
  /** One row per policy: p50/p95/max wait, worker-seconds, peak workers, scale events, flaps, jobs left waiting. */
  table(): string;
}

const seconds = (ms: number) => (ms / 1000).toFixed(1);

/** The comparison as a Markdown table (it reads as plain text too). */
export function renderComparison(rows: ReadonlyArray<Pick<ComparisonRow, 'name' | 'summary'>>): string {
  const head = ['policy', 'p50 wait (s)', 'p95 wait (s)', 'max wait (s)', 'worker-s', 'peak', 'scale events', 'flaps', 'left'];
  const body = rows.map(({ name, summary: s }) => [
    name,
    seconds(s.waitP50Ms),
    seconds(s.waitP95Ms),
    seconds(s.waitMaxMs),
    s.workerSeconds.toFixed(1),
    String(s.peakWorkers),
    String(s.scaleEvents),
    String(s.flaps),
    String(s.leftWaiting),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((r) => (r[i] as string).length)));
  const line = (cells: string[]) =>
    `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] as number) : c.padStart(widths[i] as number))).join(' | ')} |`;
  const rule = `| ${widths.map((w, i) => (i === 0 ? '-'.repeat(w) : `${'-'.repeat(w - 1)}:`)).join(' | ')} |`;
  return [line(head), rule, ...body.map(line)].join('\n');
}

/**
 * Runs several policies (each with its own Autoscaler options: intervals, cooldowns, bounds) on the same trace and
 * puts their summaries side by side. Deterministic, like {@link simulate}.
 *
 * @example
 * const c = await compare(s0Trace, { 'S0 original': s0Original, recommended: recommendedScaling({ max: 10 }) });
 * console.log(c.table());
 */
export async function compare(trace: SimulationTrace, policies: Record<string, SimulateOptions['autoscaler']>): Promise<Comparison> {
  const entries = Object.entries(policies);
  if (entries.length === 0) throw fleetError('core', 'invalid-options', 'compare: expected at least one policy, got none');
  const { name: _name, ...run } = trace;
  const rows: ComparisonRow[] = [];
  for (const [name, autoscaler] of entries) {
    const result = await simulate({ ...run, autoscaler });
    rows.push({ name, summary: result.summary, result });
  }
  return { rows, table: () => renderComparison(rows) };
}
