import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { publishablePackages, ROOT } from '../src/packages.js';
import { runInstrumented } from '../src/run-snippet.js';
import { assertionFailures, instrumentSnippet } from '../src/snippet-claims.js';
import { extractSnippets, type Snippet } from '../src/snippets.js';

const run = promisify(execFile);
const TSC = join(ROOT, 'node_modules/typescript/bin/tsc');

/** A document whose snippets run in `dir`, so `@fleet/<pkg>` and dependencies resolve as they do for a user there. */
interface Document {
  name: string;
  readme: string;
  dir: string;
  /** A package's README must have a snippet that runs (a guard against a marker or fence the extractor misreads). */
  mustRun: boolean;
}

const guides = join(ROOT, 'docs/guide');
const core = join(ROOT, 'packages/core');
const published = new Set(publishablePackages().map((pkg) => pkg.dir));
// Every folder of `base` that has a README, its snippets run in that folder.
const readmesIn = (base: string): Document[] =>
  readdirSync(base)
    .filter((x) => existsSync(join(base, x, 'README.md')))
    .map((x) => ({
      name: relative(ROOT, join(base, x)),
      readme: join(base, x, 'README.md'),
      dir: join(base, x),
      mustRun: published.has(join(base, x)),
    }));
const documents: Document[] = [
  { name: 'README.md', readme: join(ROOT, 'README.md'), dir: core, mustRun: false },
  ...readmesIn(join(ROOT, 'packages')),
  // The guides use core only.
  ...readdirSync(guides)
    .filter((f) => f.endsWith('.md'))
    .map((f) => ({ name: `docs/guide/${f}`, readme: join(guides, f), dir: core, mustRun: false })),
  ...readmesIn(join(ROOT, 'examples')),
].filter((doc) => doc.mustRun || extractSnippets(doc.readme).length > 0);

const where = (doc: Document) => (line: number) => `${relative(ROOT, doc.readme)}:${line}`;
// One folder per document: several documents run in core's folder.
const folderOf = (doc: Document) => join(doc.dir, '.snippets', relative(ROOT, doc.readme).replace(/[/.]/g, '_'));
const fileOf = (doc: Document, s: Snippet) => join(folderOf(doc), `line-${s.line}.mts`);

describe.each(documents)('snippets of $name', (doc) => {
  const snippets = extractSnippets(doc.readme);
  const checked = snippets.filter((s) => s.mode !== 'skip');

  if (doc.mustRun) {
    it('has at least one snippet that runs', () => {
      expect(snippets.filter((s) => s.mode === 'run').length).toBeGreaterThan(0);
    });
  }

  if (checked.length > 0) {
    it('type-checks every snippet not marked skip', async () => {
      const dir = folderOf(doc);
      rmSync(dir, { recursive: true, force: true });
      mkdirSync(dir, { recursive: true });
      for (const s of checked) writeFileSync(fileOf(doc, s), `${s.code}\n`);
      writeFileSync(
        join(dir, 'tsconfig.json'),
        JSON.stringify({
          compilerOptions: {
            target: 'ES2022',
            module: 'NodeNext',
            moduleResolution: 'NodeNext',
            strict: true,
            noEmit: true,
            skipLibCheck: true,
            types: ['node'],
            typeRoots: [join(ROOT, 'node_modules/@types')],
          },
          include: ['*.mts'],
        }),
      );
      const result = await run(process.execPath, [TSC, '-p', join(dir, 'tsconfig.json')], { cwd: dir }).catch((e) => e);
      // Point each error at the document line it comes from.
      const errors = String(result.stdout ?? '').replace(/line-(\d+)\.mts\((\d+),\d+\)/g, (_, fence: string, offset: string) =>
        where(doc)(Number(fence) + Number(offset)),
      );
      expect(errors).toBe('');
    });
  }

  for (const s of snippets.filter((x) => x.mode === 'run')) {
    it(`runs the snippet at ${relative(ROOT, doc.readme)}:${s.line}, and it prints what its comments claim`, async () => {
      const { code, assertions, problems } = instrumentSnippet(s, where(doc));
      expect(problems.join('\n')).toBe('');
      mkdirSync(folderOf(doc), { recursive: true });
      const { code: exit, stderr, report } = await runInstrumented(fileOf(doc, s), code, doc.dir);
      expect(exit, stderr).toBe(0);
      expect(stderr.replace(/npm warn.*\n/g, '')).not.toMatch(/Error/);
      const failures = assertionFailures(report, assertions, where(doc));
      expect(failures.join('\n')).toBe('');
    });
  }

  it('says why each snippet that does not run is left out', () => {
    const unexplained = snippets.filter((s) => s.mode !== 'run' && (s.why?.length ?? 0) <= 3);
    expect(unexplained.map((s) => where(doc)(s.line))).toEqual([]);
  });
});
