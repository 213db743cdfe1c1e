import { errorText, type FleetError, fleetError, isFleetError, redactSecrets } from '@fleet/core';
import { envKeyOf } from './env.js';
import type { ConfigSource } from './load-config.js';

/** One thing wrong with a configuration: where (a path of keys) and what. */
export interface ConfigProblem {
  /**
   * The keys leading to the value, `['policy']` or `['provider', 'script']`; empty for the whole configuration;
   * absent when the message names its keys itself (the Autoscaler's, whose options are the top level).
   */
  path?: readonly (string | number)[];
  message: string;
  cause?: unknown;
}

/** A configuration that cannot run, with every problem found, one line each. */
export type ConfigError = FleetError & {
  /** `fleet.yaml: policy: …`, one per problem, in the order of the configuration. */
  readonly problems: readonly string[];
};

/** A thrown error's message without the `[fleet] [scope] ` prefix, to follow the key it concerns. */
export const withoutPrefix = (error: unknown): string => errorText(error).replace(/^\[fleet\] \[[\w-]+\] /, '');

/** The key as the user wrote it: a dotted path in a file, the variable's name in the environment. */
export function keyName(source: ConfigSource, path: readonly (string | number)[]): string {
  if (source.kind === 'env') return path.length === 0 ? source.where : envKeyOf(source.where, path.map(String));
  return path.length === 0 ? '(top level)' : path.join('.');
}

/** `fleet.yaml: provider.script: …`: a problem as one line naming where it is. */
export function problemLine(source: ConfigSource, problem: ConfigProblem): string {
  const key = problem.path === undefined ? '' : `${keyName(source, problem.path)}: `;
  return `${source.where}: ${key}${problem.message}`.replace(/\s+/g, ' ').trim();
}

/**
 * One error for every problem: code `not-supported` when each is a missing package, else `invalid-options`; the
 * message has one line per problem.
 */
export function configError(source: ConfigSource, problems: readonly ConfigProblem[]): ConfigError {
  const lines = problems.map((p) => redactSecrets(problemLine(source, p)));
  const causes = problems.map((p) => p.cause).filter((c) => c !== undefined);
  const missing = causes.length === problems.length && causes.every((c) => isFleetError(c, 'not-supported'));
  const cause = causes.length === 1 ? causes[0] : causes.length > 1 ? new AggregateError(causes, 'several problems') : undefined;
  const error = fleetError('cli', missing ? 'not-supported' : 'invalid-options', lines.join('\n'), cause);
  return Object.assign(error, { problems: lines });
}

/** True for an error that lists the problems of a configuration. */
export function isConfigError(error: unknown): error is ConfigError {
  return isFleetError(error) && Array.isArray((error as { problems?: unknown }).problems);
}
