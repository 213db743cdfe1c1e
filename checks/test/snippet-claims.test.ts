import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runInstrumented } from '../src/run-snippet.js';
import { assertionFailures, instrumentSnippet } from '../src/snippet-claims.js';
import type { Snippet } from '../src/snippets.js';

// A snippet whose fence is on line 10 of doc.md: its first line of code is line 11.
const snippet = (...lines: string[]): Snippet => ({ readme: 'doc.md', line: 10, code: lines.join('\n'), mode: 'run' });
const where = (line: number) => `doc.md:${line}`;
const HINT = 'put the claimed outcome on a `console.log(x); // expected` line, or mark the snippet';

describe('instrumentSnippet', () => {
  it('rewrites an assertion line in place, dropping its comment, and keeps every other line', () => {
    const { code, assertions, problems } = instrumentSnippet(snippet('const a = 1;', "console.log(a, 'b'); // 1 b", 'a;'), where);
    expect(code.split('\n')).toEqual(['const a = 1;', `__expectPrinted(12, "1 b", a, 'b'); `, 'a;']);
    expect(assertions).toEqual([{ line: 12, expected: '1 b' }]);
    expect(problems).toEqual([]);
  });

  it('asserts a console.log inside a listener, and one inside a block', () => {
    const { code, assertions } = instrumentSnippet(
      snippet("e.on('x', (d) => console.log(d.code)); // policy → up", 'if (ok) {', '  console.log(a, "→", b); // 1 → 4', '}'),
      where,
    );
    expect(code.split('\n')).toEqual([
      `e.on('x', (d) => __expectPrinted(11, "policy → up", d.code)); `,
      'if (ok) {',
      '  __expectPrinted(13, "1 → 4", a, "→", b); ',
      '}',
    ]);
    expect(assertions.map((a) => a.line)).toEqual([11, 13]);
  });

  it.each([
    [
      'a multi-line console.log with a trailing comment',
      ['console.log(', '  a,', '); // 1'],
      `doc.md:11: put this console.log on one line`,
    ],
    [
      'two console.log calls on one assertion line',
      ['console.log(a); console.log(b); // 1'],
      'doc.md:11: one console.log per assertion line',
    ],
    [
      'a comment with an arrow that is not an assertion',
      ['await scaler.evaluate(); // t=0: 1 → 10'],
      `doc.md:11: a comment claims an outcome; ${HINT}`,
    ],
    ['a comment with => that is not an assertion', ['// evaluate() => 4', 'f();'], `doc.md:11: a comment claims an outcome; ${HINT}`],
    [
      'a comment right after a console.log',
      ['console.log(decision.reason);', '// 16 pending: 4'],
      `doc.md:12: a comment right after a console.log`,
    ],
  ])('refuses %s', (_, lines, message) => {
    const { problems, assertions } = instrumentSnippet(snippet(...lines), where);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(message);
    expect(assertions).toEqual([]);
  });

  it('lets arrows in code and strings pass, and comments that claim nothing', () => {
    const { problems } = instrumentSnippet(
      snippet('const f = (x: number) => x; // a helper', "const s = '1 → 4';", '// in production: queue.metricSource()', 'f(1);'),
      where,
    );
    // The first comment holds "=>" only in code before it; the comment itself claims nothing.
    expect(problems).toEqual([]);
  });
});

describe('an instrumented snippet, run', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fleet-snippet-claims-'));
  const HERE = new URL('..', import.meta.url).pathname; // tsx resolves from the checks package
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reports a line that printed something else than its comment, and an assertion that never ran', async () => {
    const s = snippet(
      'const n = 2 + 2;',
      'console.log(n); // 4',
      'console.log(n, "apples"); // 5 apples',
      "setTimeout(() => console.log('later'), 10); // later",
      'if (n > 4) console.log(n); // 5',
    );
    const { code, assertions, problems } = instrumentSnippet(s, where);
    expect(problems).toEqual([]);
    const { stdout, report } = await runInstrumented(join(dir, 'a.mts'), code, HERE);
    expect(stdout).toBe('4\n4 apples\nlater\n'); // the calls still print
    expect(assertionFailures(report, assertions, where)).toEqual([
      'doc.md:13: the comment says what this line prints, but it printed something else\n  expected: 5 apples\n  printed:  4 apples',
      'doc.md:15: this assertion never ran (the snippet ended or failed before reaching it, or its callback was never called)',
    ]);
  });

  it('reports the assertions after an error as never run, and the exit code', async () => {
    const { code, assertions } = instrumentSnippet(
      snippet("console.log('a'); // a", "throw new Error('x');", "console.log('b'); // b"),
      where,
    );
    const run = await runInstrumented(join(dir, 'b.mts'), code, HERE);
    expect(run.code).toBe(1);
    expect(assertionFailures(run.report, assertions, where)).toEqual([
      'doc.md:13: this assertion never ran (the snippet ended or failed before reaching it, or its callback was never called)',
    ]);
  });
});
