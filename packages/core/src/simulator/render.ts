import type { TimelinePoint } from './simulate.js';

/** The timeline as a fixed-width text table, one row per tick (S0's timeline table). Also exported as `timelineTable`. */
export function renderTable(timeline: readonly TimelinePoint[]): string {
  const rows = timeline.map((p) => [
    (p.t / 1000).toFixed(1),
    String(p.queue),
    String(p.workers),
    String(p.ready),
    p.action,
    p.code,
    p.reason,
  ]);
  const head = ['t (s)', 'queue', 'workers', 'ready', 'action', 'code', 'reason'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] as string).length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === cells.length - 1 ? c : i < 4 ? c.padStart(widths[i] as number) : c.padEnd(widths[i] as number))).join('  ');
  return [line(head), ...rows.map(line)].join('\n');
}

const escapeXml = (s: string) => s.replace(/[<>&"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;' })[c] as string);

/** One point of a chart: time in ms since the start, queue depth, workers. */
export type ChartPoint = Pick<TimelinePoint, 't' | 'queue' | 'workers'>;

/** Options of {@link chartSvg}. */
export interface ChartOptions {
  /** @default 'Queue depth and workers' */
  title?: string;
  /** @default 800 */
  width?: number;
  /** @default 320 */
  height?: number;
  /** Points marked with a dot on the workers line (a simulation's ticks), each a `<circle class="tick">`. @default [] */
  marks?: readonly ChartPoint[];
}

/** A "nice" axis maximum: a round multiple of a power of ten, at least `value`. */
function niceMax(value: number): number {
  if (value <= 1) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  for (const m of [1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10]) if (m * power >= value) return m * power;
  return 10 * power;
}

/**
 * Queue depth (filled, left axis) and workers (step line, right axis) over time, as a standalone SVG document
 * with no external resources, so it can be opened in a browser or embedded in a README.
 */
export function chartSvg(timeline: readonly ChartPoint[], options: ChartOptions = {}): string {
  const width = options.width ?? 800;
  const height = options.height ?? 320;
  const pad = { left: 56, right: 56, top: 40, bottom: 40 };
  const w = width - pad.left - pad.right;
  const h = height - pad.top - pad.bottom;
  const all = [...timeline, ...(options.marks ?? [])];
  const tMax = Math.max(1, ...all.map((p) => p.t));
  const qMax = niceMax(Math.max(...all.map((p) => p.queue), 1));
  const wMax = niceMax(Math.max(...all.map((p) => p.workers), 1));
  const x = (t: number) => pad.left + (t / tMax) * w;
  const yq = (q: number) => pad.top + h - (q / qMax) * h;
  const yw = (n: number) => pad.top + h - (n / wMax) * h;
  const f = (n: number) => n.toFixed(1);
  const queueArea = [
    `M${f(x(timeline[0]?.t ?? 0))},${f(yq(0))}`,
    ...timeline.map((p) => `L${f(x(p.t))},${f(yq(p.queue))}`),
    `L${f(x(timeline[timeline.length - 1]?.t ?? 0))},${f(yq(0))}Z`,
  ].join(' ');
  // A step line: the size holds until the tick that changes it.
  const workerSteps = timeline
    .map((p, i) => (i === 0 ? `M${f(x(p.t))},${f(yw(p.workers))}` : `H${f(x(p.t))} V${f(yw(p.workers))}`))
    .join(' ');
  const ticks = [0, 0.2, 0.4, 0.6, 0.8, 1];
  const label = (n: number) => String(Math.round(n * 10) / 10);
  const axis = [
    ...ticks.map((k) => `<text x="${pad.left - 8}" y="${f(yq(k * qMax) + 4)}" text-anchor="end">${label(k * qMax)}</text>`),
    ...ticks.map((k) => `<text x="${width - pad.right + 8}" y="${f(yw(k * wMax) + 4)}">${label(k * wMax)}</text>`),
    ...ticks.map(
      (k) => `<text x="${f(x(k * tMax))}" y="${height - pad.bottom + 18}" text-anchor="middle">${Math.round((k * tMax) / 1000)} s</text>`,
    ),
    ...ticks.map((k) => `<line x1="${pad.left}" x2="${width - pad.right}" y1="${f(yq(k * qMax))}" y2="${f(yq(k * qMax))}" stroke="#ddd"/>`),
  ];
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="${width}" height="${height}" fill="#fff"/>`,
    `<text x="${pad.left}" y="22" font-size="15" font-weight="bold">${escapeXml(options.title ?? 'Queue depth and workers')}</text>`,
    ...axis,
    `<path d="${queueArea}" fill="#9ecae1" fill-opacity="0.6" stroke="#3182bd"/>`,
    `<path d="${workerSteps}" fill="none" stroke="#e6550d" stroke-width="2.5"/>`,
    ...(options.marks ?? []).map(
      (p) =>
        `<circle class="tick" cx="${f(x(p.t))}" cy="${f(yw(p.workers))}" r="3" fill="#e6550d"><title>${p.t / 1000} s: ${p.queue} queued, ${p.workers} workers</title></circle>`,
    ),
    `<text x="${pad.left - 8}" y="${pad.top - 8}" text-anchor="end" fill="#3182bd">queue</text>`,
    `<text x="${width - pad.right + 8}" y="${pad.top - 8}" fill="#e6550d">workers</text>`,
    '</svg>',
  ].join('\n');
}

/** The old name of {@link renderTable}. */
export const timelineTable = renderTable;

/**
 * A simulation's chart: queue and workers drawn from `samples` (every step; the timeline itself when not given),
 * and one dot per timeline row (tick), so the SVG carries exactly `timeline.length` `circle.tick` elements.
 */
export function renderSvg(
  timeline: readonly ChartPoint[],
  options: Omit<ChartOptions, 'marks'> & { samples?: readonly ChartPoint[] } = {},
): string {
  const { samples, ...chart } = options;
  return chartSvg(samples && samples.length > 0 ? samples : timeline, { ...chart, marks: timeline });
}
