// The benchmarks' shared report: the median of runs, a printed table with the ratio to a peer, and with
// FLEET_BENCH_OUT=<folder> the JSON that DESIGN.md "Benchmarks" describes.
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';

/** One measured figure, as DESIGN.md "Benchmarks" describes. */
export interface Row {
  subject: string;
  case: string;
  value: number;
  unit: string;
}

export const median = (values: number[]) => {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
};

/** Prints the table and writes `$FLEET_BENCH_OUT/<name>.json` when that variable is set. */
export function report(name: string, rows: Row[], ratioTo?: (row: Row) => Row | undefined): void {
  const table = rows.map((r) => {
    const base = ratioTo?.(r);
    return {
      subject: r.subject,
      case: r.case,
      [`median (${r.unit})`]: Number(r.value.toFixed(1)),
      ...(base ? { 'vs peer': `${(base.value / r.value).toFixed(2)}× faster` } : {}),
    };
  });
  console.table(table);
  const out = process.env.FLEET_BENCH_OUT;
  if (!out) return;
  mkdirSync(out, { recursive: true });
  const body = { name: `@fleet/${name}`, node: process.version, cpu: cpus()[0]?.model ?? 'unknown', at: new Date().toISOString(), rows };
  writeFileSync(join(out, `${name}.json`), `${JSON.stringify(body, null, 2)}\n`);
}
