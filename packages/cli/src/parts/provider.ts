import type { ScalingProvider } from '@fleet/core';
import { type PathField, resolvePaths } from '../config-paths.js';
import { PROVIDER_TYPES, type TypedSpec } from '../config-schema.js';
import { type BuildOptions, bad, call, load, type Maker, maker, typeOf, without } from './common.js';

type ProviderType = (typeof PROVIDER_TYPES)[number];
const script = (key: string): PathField[] => [{ key, kind: 'file' }];

/** Each provider type: its package, its factory, and its options that hold paths. */
const PROVIDERS: Record<ProviderType, { pkg: string; factory: string; paths: PathField[] }> = {
  memory: { pkg: '@fleet/core/testing', factory: 'memoryProvider', paths: [] },
  process: { pkg: '@fleet/provider-local', factory: 'processProvider', paths: [...script('script'), { key: 'cwd', kind: 'dir' }] },
  thread: { pkg: '@fleet/provider-local', factory: 'threadProvider', paths: script('file') },
  pm2: {
    pkg: '@fleet/provider-pm2',
    factory: 'pm2Provider',
    paths: [...script('script'), { key: 'cwd', kind: 'dir' }, { key: 'pm2Home', kind: 'path' }, { key: 'interpreter', kind: 'command' }],
  },
  docker: { pkg: '@fleet/provider-docker', factory: 'dockerProvider', paths: [{ key: 'docker.socketPath', kind: 'path' }] },
  k8s: {
    pkg: '@fleet/provider-k8s',
    factory: 'k8sProvider',
    paths: [
      { key: 'kubeconfig', kind: 'file', keywords: ['in-cluster'] },
      { key: 'kubeconfig.file', kind: 'file' },
    ],
  },
};

/**
 * Checks a provider's type and paths and loads its package; the maker returned calls the factory. Relative paths
 * resolve against `baseDir`; a path that names nothing stops here, naming the key, the path as written and where it
 * led, before the factory runs.
 */
export async function prepareProvider(spec: TypedSpec, options: BuildOptions = {}): Promise<Maker<ScalingProvider>> {
  const entry = PROVIDERS[typeOf(spec, 'provider', PROVIDER_TYPES)];
  const { options: resolved, missing } = resolvePaths(without(spec), entry.paths, options.baseDir ?? process.cwd());
  if (missing.length > 0) throw bad(missing.map((m) => `${m.key}: ${m.message}`).join('; '));
  const module = await load(entry.pkg, `provider type '${spec.type}'`);
  return maker(() => call<ScalingProvider>(module, entry.factory, resolved), options);
}

/** Builds a provider from `{ type, ...options }`, loading its package; relative paths resolve against `baseDir`. */
export async function buildProvider(spec: TypedSpec, options: BuildOptions = {}): Promise<ScalingProvider> {
  return (await prepareProvider(spec, options))();
}
