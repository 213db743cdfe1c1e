import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './packages.js';

/**
 * The repository's web address, `https://github.com/<owner>/<name>`, read from the one place that holds it: the
 * root package.json's `repository.url` (`git+https://github.com/<owner>/<name>.git`).
 */
export function repositoryWebUrl(): string {
  const root = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { repository?: { url?: string } };
  const url = root.repository?.url;
  const match = url === undefined ? null : /^git\+(https:\/\/github\.com\/[^/]+\/[^/]+?)\.git$/.exec(url);
  if (!match) throw new Error(`root package.json: expected repository.url "git+https://github.com/<owner>/<name>.git", got ${url}`);
  return match[1] as string;
}

/** The `repository`, `homepage` and `bugs` fields a package in `packages/<folder>` must have. */
export function expectedMetadata(folder: string) {
  const web = repositoryWebUrl();
  return {
    repository: { type: 'git', url: `git+${web}.git`, directory: `packages/${folder}` },
    homepage: `${web}/tree/main/packages/${folder}#readme`,
    bugs: { url: `${web}/issues` },
  };
}
