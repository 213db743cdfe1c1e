import { execFile } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { publishablePackages, ROOT } from '../src/packages.js';
import { extractSnippets, type Snippet } from '../src/snippets.js';

const run = promisify(execFile);
const TSC = join(ROOT, 'node_modules/typescript/bin/tsc');

// Each snippet is written into its package's folder, so `@fleet/<pkg>` resolves the way it does for a user of the
// built package (self-reference through the exports map) and its dependencies resolve from the package.
function fileOf(pkgDir: string, s: Snippet): string {
  return join(pkgDir, '.snippets', `${basename(s.readme, '.md')}-line-${s.line}.mts`);
}

// Each package's README, and the guide pages (checked in core's folder: they use core).
const documents = [
  ...publishablePackages().map((pkg) => ({ name: pkg.name, dir: pkg.dir, readmes: [join(pkg.dir, 'README.md')] })),
  {
    name: 'docs/guide',
    dir: join(ROOT, 'packages/core'),
    readmes: readdirSync(join(ROOT, 'docs/guide')).map((f) => join(ROOT, 'docs/guide', f)),
  },
];

describe.each(documents)('snippets of $name', (pkg) => {
  const snippets = pkg.readmes.flatMap(extractSnippets);
  const checked = snippets.filter((s) => s.mode !== 'skip');

  it('has at least one snippet that runs', () => {
    expect(snippets.filter((s) => s.mode === 'run').length).toBeGreaterThan(0);
  });

  it('type-checks every snippet not marked skip', async () => {
    const dir = join(pkg.dir, '.snippets');
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    for (const s of checked) writeFileSync(fileOf(pkg.dir, s), `${s.code}\n`);
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
    const origin = new Map(checked.map((x) => [basename(fileOf(pkg.dir, x)), x]));
    const errors = String(result.stdout ?? '').replace(/(\S+\.mts)\((\d+),\d+\)/g, (whole, file: string, offset: string) => {
      const from = origin.get(basename(file));
      return from ? `${relative(ROOT, from.readme)}:${from.line + Number(offset)}` : whole;
    });
    expect(errors).toBe('');
  });

  for (const s of snippets.filter((x) => x.mode === 'run')) {
    it(`runs the snippet at ${basename(s.readme)}:${s.line}`, async () => {
      const file = fileOf(pkg.dir, s);
      writeFileSync(file, `${s.code}\n`);
      const { stderr } = await run(process.execPath, ['--import', 'tsx', file], { cwd: pkg.dir, timeout: 60_000 });
      expect(stderr.replace(/npm warn.*\n/g, '')).not.toMatch(/Error/);
    });
  }

  it('says why each snippet that does not run is left out', () => {
    for (const s of snippets.filter((x) => x.mode !== 'run')) expect(s.why?.length ?? 0).toBeGreaterThan(3);
  });
});
