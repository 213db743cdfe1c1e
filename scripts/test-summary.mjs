// Prints one closing line, "N passed, N failed, N skipped", from the vitest JSON reports of every package, and
// names each skipped test. Fails on a failure, on no test at all, and under CI=true on any skip: in CI every engine
// is there, so a skipped test would be a check that silently did not run.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = process.argv[2];
let passed = 0;
let failed = 0;
let skipped = 0;
for (const file of readdirSync(dir).filter((f) => f.endsWith('.json'))) {
  const report = JSON.parse(readFileSync(join(dir, file), 'utf8'));
  passed += report.numPassedTests;
  failed += report.numFailedTests;
  skipped += report.numPendingTests + report.numTodoTests;
  for (const suite of report.testResults ?? [])
    for (const test of suite.assertionResults ?? [])
      if (test.status !== 'passed' && test.status !== 'failed') console.log(`${test.status}: ${file}: ${test.fullName}`);
}
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed > 0 || passed === 0 || (skipped > 0 && process.env.CI === 'true') ? 1 : 0);
