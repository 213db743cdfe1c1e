import { execFile } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, posix } from 'node:path';
import { promisify } from 'node:util';
import { anchors, markdownLinks } from './markdown-links.js';

/** What {@link linkProblems} reads: one README as it is published, and the repository it comes from. */
export interface PackedReadme {
  /** The README's path in the repository, for messages: `packages/core/README.md`. */
  readme: string;
  /** Its text. */
  text: string;
  /** The files of the package's tarball, relative to the package folder (where the README sits). */
  packed: string[];
  /** The package's folder in the repository: `packages/core`. */
  folder: string;
  /** The repository's web address: `https://github.com/<owner>/<name>`. */
  web: string;
  /** The checkout on disk, to tell files from folders and check that absolute links name something that exists. */
  checkout: string;
}

/** The files `npm pack` would put in the tarball of the package in `dir`, relative to `dir`. */
export async function packedFiles(dir: string, env: NodeJS.ProcessEnv): Promise<string[]> {
  const { stdout } = await promisify(execFile)('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: dir, env });
  const [report] = JSON.parse(stdout) as [{ files: { path: string }[] }];
  return report.files.map((f) => f.path);
}

function split(target: string): { path: string; anchor: string | undefined } {
  const hash = target.indexOf('#');
  const path = (hash < 0 ? target : target.slice(0, hash)).replace(/\?.*$/, '');
  return { path: decodeURI(path), anchor: hash < 0 ? undefined : decodeURIComponent(target.slice(hash + 1)) };
}

function missingAnchor(markdownFile: string, anchor: string | undefined): boolean {
  if (anchor === undefined || !markdownFile.endsWith('.md') || !existsSync(markdownFile)) return false;
  return !anchors(readFileSync(markdownFile, 'utf8')).has(anchor);
}

/**
 * Every link of a packed README that is dead on the registry, one sentence each naming the README, the line, the
 * link and what to write instead: a relative link must resolve to a file of the tarball (anything else gets its
 * absolute form on the repository's main branch), an anchor must be a heading of the file it points into, and an
 * absolute link into this repository must name a file that exists.
 */
export function linkProblems(input: PackedReadme): string[] {
  const { readme, text, packed, folder, web, checkout } = input;
  const own = anchors(text);
  const problems: string[] = [];
  const at = (line: number, source: string) => `${readme}:${line}: ${source.replace(/\s+/g, ' ')}`;
  for (const { source, target, line } of markdownLinks(text)) {
    const { path, anchor } = split(target);
    const ours = new RegExp(`^${web.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/(?:blob|tree)/main/([^?#]*)`).exec(target);
    if (ours) {
      const file = join(checkout, decodeURI(ours[1] as string));
      if (!existsSync(file)) problems.push(`${at(line, source)}: ${ours[1]} does not exist in the repository`);
      else if (statSync(file).isFile() && missingAnchor(file, anchor))
        problems.push(`${at(line, source)}: ${ours[1]} has no heading for #${anchor}`);
      continue;
    }
    if (/^(?:[a-z][a-z0-9+.-]*:|\/\/)/i.test(target)) continue;
    if (path === '') {
      if (anchor === undefined || !own.has(anchor)) problems.push(`${at(line, source)}: no heading of this README makes #${anchor ?? ''}`);
      continue;
    }
    // A path from `/` is from the repository's root on GitHub; any other is from the README's folder.
    const inPackage = path.startsWith('/') ? undefined : posix.normalize(path).replace(/\/$/, '');
    if (inPackage !== undefined && !inPackage.startsWith('..') && packed.some((f) => f === inPackage || f.startsWith(`${inPackage}/`))) {
      const same = inPackage === posix.basename(readme);
      if (
        same
          ? anchor !== undefined && !own.has(anchor)
          : packed.includes(inPackage) && missingAnchor(join(checkout, folder, inPackage), anchor)
      )
        problems.push(`${at(line, source)}: ${inPackage} has no heading for #${anchor}`);
      continue;
    }
    const inRepo = (path.startsWith('/') ? posix.normalize(path.slice(1)) : posix.join(folder, path)).replace(/\/$/, '');
    const onDisk = join(checkout, inRepo);
    const kind = existsSync(onDisk) && statSync(onDisk).isDirectory() ? 'tree' : 'blob';
    const absolute = `${web}/${kind}/main/${inRepo}${anchor === undefined ? '' : `#${anchor}`}`;
    const exists = existsSync(onDisk) ? '' : ` (and ${inRepo} does not exist in the repository)`;
    problems.push(`${at(line, source)}: not in the tarball, a dead link on the registry: use ${absolute}${exists}`);
  }
  return problems;
}
