import { execFile } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import type { SnippetReport } from './snippet-runtime.js';

const RUNTIME = pathToFileURL(new URL('./snippet-runtime.ts', import.meta.url).pathname).href;

/** What running an instrumented snippet gave. */
export interface SnippetRun {
  /** The exit code; `null` when it was killed (it outlived its time). */
  code: number | null;
  stdout: string;
  stderr: string;
  /** Which assertions ran and which printed something else; empty when the process died before it could say. */
  report: SnippetReport;
}

/**
 * Writes an instrumented snippet's code to `file` and runs it with tsx in `cwd` (where its imports resolve), for at
 * most `timeoutMs`.
 */
export function runInstrumented(file: string, code: string, cwd: string, timeoutMs = 60_000): Promise<SnippetRun> {
  const reportFile = `${file}.report.json`;
  rmSync(reportFile, { force: true });
  // The import goes on the first line, so every line keeps its number (imports are hoisted).
  writeFileSync(file, `import { expectPrinted as __expectPrinted } from '${RUNTIME}'; ${code}\n`);
  const env = { ...process.env, SNIPPET_CHECK_REPORT: reportFile };
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', file], { cwd, timeout: timeoutMs, env }, (error, stdout, stderr) => {
      const report = existsSync(reportFile) ? (JSON.parse(readFileSync(reportFile, 'utf8')) as SnippetReport) : { ran: [], mismatches: [] };
      const code = error ? (typeof error.code === 'number' ? error.code : null) : 0;
      resolve({ code, stdout, stderr, report });
    });
  });
}
