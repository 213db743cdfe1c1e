import { readFileSync } from 'node:fs';
import { dirname, extname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { didYouMeanText } from '@fleet/core';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import { type ConfigProblem, configError, withoutPrefix } from './config-problems.js';
import { type DraftConfig, KNOWN_KEYS, parseConfig, type ResolvedConfig } from './config-schema.js';
import { envKeyOf, fromEnv, isForbiddenKey } from './env.js';
import { OWN_VARIABLES } from './own-variables.js';

/** Where a configuration came from, for error messages: a file path, or the environment prefix. */
export interface ConfigSource {
  kind: 'file' | 'env';
  /** The file path, or the prefix (`FLEET_`). */
  where: string;
}

/** The folder relative paths in a configuration resolve against: the file's own, or the current one. */
export const baseDirOf = (source: ConfigSource): string => (source.kind === 'file' ? dirname(resolve(source.where)) : process.cwd());

/** The config formats `fleet` reads, by extension. JS and TS configs are executed (TS through tsx). */
export const CONFIG_EXTENSIONS = ['.json', '.yaml', '.yml', '.js', '.mjs', '.cjs', '.ts', '.mts', '.cts'] as const;

async function readFile(path: string): Promise<unknown> {
  const ext = extname(path).toLowerCase();
  if (ext === '.json') return JSON.parse(readFileSync(path, 'utf8'));
  if (ext === '.yaml' || ext === '.yml') return parseYaml(readFileSync(path, 'utf8'));
  const url = pathToFileURL(path).href;
  if (['.js', '.mjs', '.cjs'].includes(ext)) return ((await import(url)) as { default?: unknown }).default;
  if (['.ts', '.mts', '.cts'].includes(ext)) {
    // Node 20 cannot strip types: tsx compiles the file. Resolved from the config's own URL, as its imports are.
    const { tsImport } = await import('tsx/esm/api');
    const loaded = ((await tsImport(url, url)) as { default?: unknown }).default;
    // Outside an ESM package a .ts file loads as CommonJS, and its `export default` arrives one level down.
    const inner = loaded as { __esModule?: boolean; default?: unknown } | undefined;
    return inner &&
      typeof inner === 'object' &&
      'default' in inner &&
      Object.keys(inner).every((k) => k === 'default' || k === '__esModule')
      ? inner.default
      : loaded;
  }
  throw new Error(`unknown config format '${ext}': use ${CONFIG_EXTENSIONS.join(', ')}`);
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

/** A schema issue as problems; an unknown key gets the known key it is closest to. */
function problemsOf(issue: z.core.$ZodIssue, source: ConfigSource): ConfigProblem[] {
  if (issue.code !== 'unrecognized_keys') return [{ path: issue.path.map(String), message: issue.message }];
  const at = issue.path.map(String);
  const known = KNOWN_KEYS[at.join('.')] ?? [];
  return issue.keys.map((key) => {
    const message = `unknown key \`${key}\`${didYouMeanText(key, known)}`;
    if (source.kind === 'file') return at.length === 0 ? { message } : { path: at, message };
    // In the environment the key is a variable: suggest a variable, the CLI's own ones (FLEET_TOKEN) included.
    const own = at.length === 0 ? [...OWN_VARIABLES].filter((name) => name.startsWith(source.where)) : [];
    const variables = [...known.map((k) => envKeyOf(source.where, [...at, k])), ...own];
    return { path: [...at, key], message: `sets no option${didYouMeanText(envKeyOf(source.where, [...at, key]), variables)}` };
  });
}

/**
 * Reads a configuration and checks the keys the CLI reads itself, returning every problem found and what passed.
 * A file that cannot be read or parsed is the one problem there is.
 */
export async function readConfig(
  file: string | undefined,
  options: { env?: NodeJS.ProcessEnv; prefix?: string } = {},
): Promise<{ draft: DraftConfig; source: ConfigSource; problems: ConfigProblem[] }> {
  const env = options.env ?? process.env;
  const prefix = options.prefix ?? 'FLEET_';
  const source: ConfigSource = file ? { kind: 'file', where: file } : { kind: 'env', where: prefix };
  let raw: unknown;
  try {
    raw = resolveEnvRefs(file ? await readFile(resolve(file)) : fromEnv(env, prefix), env);
  } catch (error) {
    throw configError(source, [{ message: withoutPrefix(error), cause: error }]);
  }
  const { draft, issues } = parseConfig(raw);
  return { draft, source, problems: issues.flatMap((issue) => problemsOf(issue, source)) };
}

/**
 * Loads a daemon configuration from a file (JSON, YAML, or a JS/TS module whose default export has the same shape)
 * or, without a file, from environment variables with `prefix`, and checks the keys the CLI reads itself. Throws a
 * FleetError `invalid-options` with one line per problem, naming the file (or variable) and the key. The
 * Autoscaler's keys and each part's options are checked when the fleet is built (`buildFleet`).
 */
export async function loadConfig(
  file: string | undefined,
  options: { env?: NodeJS.ProcessEnv; prefix?: string } = {},
): Promise<{ config: ResolvedConfig; source: ConfigSource }> {
  const { draft, source, problems } = await readConfig(file, options);
  if (problems.length > 0) throw configError(source, problems);
  return { config: draft as ResolvedConfig, source };
}
