import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The repository root. */
export const ROOT = new URL('../../', import.meta.url).pathname;

/** A publishable package of the workspace. */
export interface WorkspacePackage {
  name: string;
  dir: string;
  manifest: {
    name: string;
    private?: boolean;
    exports?: Record<string, unknown>;
    peerDependencies?: Record<string, string>;
    peerDependenciesMeta?: Record<string, { optional?: boolean }>;
  };
}

/** Every package under packages/ that is not private, in a stable order. */
export function publishablePackages(): WorkspacePackage[] {
  const base = join(ROOT, 'packages');
  return readdirSync(base)
    .map((folder) => join(base, folder))
    .filter((dir) => existsSync(join(dir, 'package.json')))
    .map((dir) => ({ dir, manifest: JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) }))
    .filter((p) => !p.manifest.private)
    .map((p) => ({ ...p, name: p.manifest.name as string }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** The import specifiers of a package's public entries: `@fleet/core`, `@fleet/core/testing`… */
export function entryPoints(pkg: WorkspacePackage): string[] {
  return Object.keys(pkg.manifest.exports ?? { '.': {} })
    .filter((key) => !key.endsWith('.json') && !key.includes('*'))
    .map((key) => (key === '.' ? pkg.name : `${pkg.name}/${key.replace(/^\.\//, '')}`));
}
