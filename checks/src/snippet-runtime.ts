import { writeFileSync } from 'node:fs';
import { format } from 'node:util';

/** What a snippet's assertions did in one run, written as JSON to `$SNIPPET_CHECK_REPORT` when the process exits. */
export interface SnippetReport {
  /** Document lines of the assertions that ran, once per run of each. */
  ran: number[];
  /** Each run of an assertion whose printed line differed from its comment. */
  mismatches: Array<{ line: number; expected: string; printed: string }>;
}

const report: SnippetReport = { ran: [], mismatches: [] };
const out = process.env.SNIPPET_CHECK_REPORT;
// On exit, so that an assertion that runs late (in a callback, a timer) counts, and one never reached shows as missing.
if (out) process.on('exit', () => writeFileSync(out, JSON.stringify(report)));

/**
 * What an assertion line `console.log(args); // expected` of a snippet becomes: it prints as `console.log` would,
 * and records whether the printed line equals `expected`.
 */
export function expectPrinted(line: number, expected: string, ...args: unknown[]): void {
  const printed = format(...args);
  process.stdout.write(`${printed}\n`);
  report.ran.push(line);
  if (printed !== expected) report.mismatches.push({ line, expected, printed });
}
