import { errorText, isFleetError } from '@fleet/core';
import { isConfigError } from './config-problems.js';

/** How `fleet` ends on an error: exit 2 for bad usage or a bad configuration, 1 for anything else. */
export interface Failure {
  code: 1 | 2;
  /**
   * `fleet: <what is wrong, where>`: no stack, no package prefix, secrets redacted. One line, or for a configuration
   * with several problems one line per problem.
   */
  line: string;
}

const oneLine = (text: string) =>
  text
    .replace(/^\[fleet\] \[[\w-]+\] /, '')
    .replace(/\s+/g, ' ')
    .trim();

/** The exit code and the text `fleet` prints for any thrown value. */
export function failureOf(error: unknown): Failure {
  const usage = isFleetError(error, 'invalid-options') || isFleetError(error, 'not-supported');
  const lines = isConfigError(error) ? error.problems.map(oneLine) : [oneLine(errorText(error))];
  return { code: usage ? 2 : 1, line: lines.map((l) => `fleet: ${l}`).join('\n') };
}
