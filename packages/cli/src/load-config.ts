import { readFileSync } from 'node:fs';
import { extname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { errorText, fleetError } from '@fleet/core';
import { parse as parseYaml } from 'yaml';
import { parseConfig, type ResolvedConfig } from './config-schema.js';
import { envKeyOf, fromEnv, isForbiddenKey } from './env.js';

/** Where a configuration came from, for error messages: a file path, or the environment prefix. */
export interface ConfigSource {
  kind: 'file' | 'env';
  /** The file path, or the prefix (`FLEET_`). */
  where: string;
}

async function readFile(path: string): Promise<unknown> {
  const ext = extname(path).toLowerCase();
  if (ext === '.json') return JSON.parse(readFileSync(path, 'utf8'));
  if (ext === '.yaml' || ext === '.yml') return parseYaml(readFileSync(path, 'utf8'));
  if (['.js', '.mjs', '.cjs'].includes(ext)) return ((await import(pathToFileURL(path).href)) as { default?: unknown }).default;
  if (['.ts', '.mts', '.cts'].includes(ext)) {
    const { tsImport } = await import('tsx/esm/api');
    const loaded = ((await tsImport(pathToFileURL(path).href, import.meta.url)) as { default?: unknown }).default;
    // Outside an ESM package a .ts file loads as CommonJS, and its `export default` arrives one level down.
    const inner = loaded as { __esModule?: boolean; default?: unknown } | undefined;
    return inner &&
      typeof inner === 'object' &&
      'default' in inner &&
      Object.keys(inner).every((k) => k === 'default' || k === '__esModule')
      ? inner.default
      : loaded;
  }
  throw new Error(`unknown config format '${ext}': use .json, .yaml, .yml, .js, .mjs, .cjs or .ts`);
}

/**
 * Replaces every string `env:NAME` with the variable's value, so secrets stay out of config files, and refuses a
 * `__proto__`, `constructor` or `prototype` key (JSON and YAML keep them as plain keys, which later copies would
 * turn into a prototype).
 */
function resolveEnvRefs(value: unknown, env: NodeJS.ProcessEnv, path: string[] = []): unknown {
  if (typeof value === 'string' && value.startsWith('env:')) {
    const name = value.slice(4);
    const found = env[name];
    if (found === undefined) throw new Error(`${path.join('.')}: environment variable ${name} is not set`);
    return found;
  }
  if (Array.isArray(value)) return value.map((v, i) => resolveEnvRefs(v, env, [...path, String(i)]));
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value);
    const forbidden = entries.find(([k]) => isForbiddenKey(k));
    if (forbidden) throw new Error(`${[...path, forbidden[0]].join('.')}: the key ${forbidden[0]} is not allowed (it names no option)`);
    return Object.fromEntries(entries.map(([k, v]) => [k, resolveEnvRefs(v, env, [...path, k])]));
  }
  return value;
}

/**
 * Loads and validates a daemon configuration from a file (JSON, YAML, or a JS/TS module whose default export has
 * the same shape) or, without a file, from environment variables with `prefix`. Throws a FleetError
 * `invalid-options` whose message is one line naming the file (or variable) and the key.
 */
export async function loadConfig(
  file: string | undefined,
  options: { env?: NodeJS.ProcessEnv; prefix?: string } = {},
): Promise<{ config: ResolvedConfig; source: ConfigSource }> {
  const env = options.env ?? process.env;
  const prefix = options.prefix ?? 'FLEET_';
  const source: ConfigSource = file ? { kind: 'file', where: file } : { kind: 'env', where: prefix };
  let raw: unknown;
  try {
    raw = resolveEnvRefs(file ? await readFile(resolve(file)) : fromEnv(env, prefix), env);
  } catch (error) {
    throw fleetError('cli', 'invalid-options', `${source.where}: ${errorText(error).replace(/^\[fleet\] \[[\w-]+\] /, '')}`, error);
  }
  const parsed = parseConfig(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const path = issue?.path.map(String) ?? [];
    const key = source.kind === 'env' ? envKeyOf(prefix, path) : path.join('.') || '(top level)';
    const more = parsed.error.issues.length > 1 ? ` (and ${parsed.error.issues.length - 1} more)` : '';
    throw fleetError('cli', 'invalid-options', `${source.where}: ${key}: ${issue?.message}${more}`, parsed.error);
  }
  return { config: parsed.data, source };
}
