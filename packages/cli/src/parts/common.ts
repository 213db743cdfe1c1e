import { didYouMeanText, fleetError } from '@fleet/core';
import type { TypedSpec } from '../config-schema.js';

// Every part of a configuration is built in this folder, by `fleet check` and `fleet run` alike: the factories check
// their own options, so what check accepts is what run accepts. A part is built in two steps: `prepare…` loads its
// package and checks what the CLI checks itself (the type, the paths), and may await; the maker it returns calls the
// factory and awaits nothing, so the daemon can make every part in one turn and close them all in that same turn when
// one fails, before anything a part starts on the next microtask (a process provider's first workers) begins.

/** How to build a part. */
export interface BuildOptions {
  /** Where relative paths in the options lead: the config file's folder. @default process.cwd() */
  baseDir?: string;
  /**
   * Build only to check the options: the part is closed in the same turn it is made, before anything it would
   * start in the background (a process provider's first workers, a sampling timer) begins. @default false
   */
  checkOnly?: boolean;
}

/** Makes a part, synchronously: the factory's call. */
export type Maker<T> = () => T;

/** The part, already closing: its `close()` then returns that same promise. */
function closedAtOnce<T extends { close?(): unknown }>(part: T): T {
  const closing = Promise.resolve(part.close?.());
  return Object.assign(part, { close: () => closing });
}

/** A maker that closes what it makes when only checking. */
export const maker =
  <T extends { close?(): unknown }>(make: Maker<T>, options: BuildOptions): Maker<T> =>
  () =>
    options.checkOnly ? closedAtOnce(make()) : make();

/** An `invalid-options` error of the CLI. */
export const bad = (message: string, cause?: unknown) => fleetError('cli', 'invalid-options', message, cause);

/** Loads an optional package, saying how to install it when it is missing. */
export async function load(pkg: string, what: string): Promise<Record<string, unknown>> {
  try {
    return (await import(pkg)) as Record<string, unknown>;
  } catch (error) {
    if ((error as { code?: string }).code === 'ERR_MODULE_NOT_FOUND' && String((error as Error).message).includes(pkg)) {
      throw fleetError('cli', 'not-supported', `${what} needs ${pkg}: npm i ${pkg}`, error);
    }
    throw error;
  }
}

/** Calls the factory `name` of a loaded package. */
export function call<T>(module: Record<string, unknown>, name: string, ...args: unknown[]): T {
  const factory = module[name];
  if (typeof factory !== 'function') throw fleetError('cli', 'not-supported', `${name} is not exported by this version`);
  return factory(...args) as T;
}

/** The spec's type, checked against the known ones, with a suggestion for a typo. */
export function typeOf<T extends string>(spec: TypedSpec, kind: string, types: readonly T[]): T {
  const type = spec.type;
  if (typeof type === 'string' && (types as readonly string[]).includes(type)) return type as T;
  const hint = typeof type === 'string' ? didYouMeanText(type, types) : '';
  throw bad(`type: unknown ${kind} type ${JSON.stringify(type)}${hint}: expected one of ${types.join(', ')}`);
}

/** Problems with keys a factory never sees (those the CLI takes apart itself), with a suggestion for a typo. */
export function unknownKeys(options: Record<string, unknown>, known: readonly string[]): string[] {
  return Object.keys(options)
    .filter((key) => !known.includes(key))
    .map((key) => `unknown key \`${key}\`${didYouMeanText(key, known)}`);
}

/** The options of a `{ type, ...options }` entry. */
export const without = ({ type: _, ...rest }: TypedSpec): Record<string, unknown> => rest;
