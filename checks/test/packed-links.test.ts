import { readFileSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { anchors, markdownLinks } from '../src/markdown-links.js';
import { publishablePackages, ROOT } from '../src/packages.js';
import { linkProblems, packedFiles } from '../src/packed-links.js';
import { expectedMetadata, repositoryWebUrl } from '../src/repository.js';

// The settings pnpm passes to the scripts it runs must not reach the npm that lists the tarballs.
const cleanEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(npm_|pnpm_|PNPM_)/i.test(k)));
const packages = publishablePackages();
const web = repositoryWebUrl();

describe('the link check itself', () => {
  const readme = [
    '# Pkg',
    '## How it works',
    'See [core](../core/README.md), ![chart](docs/chart.svg), [this](#how-it-works), [gone](#nowhere),',
    '<img src="dist/index.js"> and <a href="deploy/">deploy</a>, [a multi-line',
    'link](README.md#pkg) and [site](https://example.org/x).',
    '[ref]: ../../docs/guide/01-getting-started.md',
    '```md',
    '[in a code block](nowhere.md)',
    '```',
    'and `[in a code span](nowhere.md)`, [`code` as text](../../README.md).',
  ].join('\n');
  const problems = linkProblems({
    readme: 'packages/pkg/README.md',
    text: readme,
    packed: ['README.md', 'package.json', 'dist/index.js'],
    folder: 'packages/pkg',
    web: 'https://github.com/o/r',
    checkout: ROOT,
  });

  it('finds inline links, images, HTML src/href and reference definitions, not code', () => {
    expect(markdownLinks(readme).map((l) => [l.line, l.target])).toEqual([
      [3, '../core/README.md'],
      [3, 'docs/chart.svg'],
      [3, '#how-it-works'],
      [3, '#nowhere'],
      [4, 'dist/index.js'],
      [4, 'deploy/'],
      [4, 'README.md#pkg'],
      [5, 'https://example.org/x'],
      [6, '../../docs/guide/01-getting-started.md'],
      [10, '../../README.md'],
    ]);
  });

  it('names each dead link with its README, line and absolute form; passes what the tarball holds', () => {
    expect(problems).toEqual([
      'packages/pkg/README.md:3: [core](../core/README.md): not in the tarball, a dead link on the registry: use https://github.com/o/r/blob/main/packages/core/README.md',
      'packages/pkg/README.md:3: ![chart](docs/chart.svg): not in the tarball, a dead link on the registry: use https://github.com/o/r/blob/main/packages/pkg/docs/chart.svg (and packages/pkg/docs/chart.svg does not exist in the repository)',
      'packages/pkg/README.md:3: [gone](#nowhere): no heading of this README makes #nowhere',
      'packages/pkg/README.md:4: href="deploy/": not in the tarball, a dead link on the registry: use https://github.com/o/r/blob/main/packages/pkg/deploy (and packages/pkg/deploy does not exist in the repository)',
      'packages/pkg/README.md:6: [ref]: ../../docs/guide/01-getting-started.md: not in the tarball, a dead link on the registry: use https://github.com/o/r/blob/main/docs/guide/01-getting-started.md',
      'packages/pkg/README.md:10: [`code` as text](../../README.md): not in the tarball, a dead link on the registry: use https://github.com/o/r/blob/main/README.md',
    ]);
  });

  it('gives headings the anchors GitHub gives them', () => {
    const text = "# Which policy? S0's trace, four contenders\n## `runWorker` options\n## Options\n## Options\n";
    expect([...anchors(text)]).toEqual(['which-policy-s0s-trace-four-contenders', 'runworker-options', 'options', 'options-1']);
  });

  it('checks that an absolute link into this repository names a file and heading that exist', () => {
    const text = `[a](${web}/blob/main/packages/core/README.md#options) [b](${web}/blob/main/packages/nope.md) [c](${web}/blob/main/packages/core/README.md#no-such-heading)`;
    const found = linkProblems({ readme: 'R.md', text, packed: [], folder: 'packages/x', web, checkout: ROOT });
    expect(found).toEqual([
      `R.md:1: [b](${web}/blob/main/packages/nope.md): packages/nope.md does not exist in the repository`,
      `R.md:1: [c](${web}/blob/main/packages/core/README.md#no-such-heading): packages/core/README.md has no heading for #no-such-heading`,
    ]);
  });
});

describe.each(packages.map((p) => [p.name, p] as const))('%s as published', (_name, pkg) => {
  const folder = relative(ROOT, pkg.dir);
  let packed: string[] = [];
  beforeAll(async () => {
    packed = await packedFiles(pkg.dir, cleanEnv);
  }, 120_000);

  it('has every link of its packed README resolve inside the tarball, or be absolute', () => {
    expect(packed).toContain('README.md');
    const text = readFileSync(join(pkg.dir, 'README.md'), 'utf8');
    expect(linkProblems({ readme: `${folder}/README.md`, text, packed, folder, web, checkout: ROOT })).toEqual([]);
  });

  it('has repository, homepage and bugs pointing at the repository named in the root package.json', () => {
    const manifest = JSON.parse(readFileSync(join(pkg.dir, 'package.json'), 'utf8'));
    const { repository, homepage, bugs } = manifest;
    expect({ repository, homepage, bugs }).toEqual(expectedMetadata(basename(pkg.dir)));
  });
});
