import { errorText, isFleetError } from '@fleet/core';

/** How `fleet` ends on an error: exit 2 for bad usage or a bad configuration, 1 for anything else. */
export interface Failure {
  code: 1 | 2;
  /** `fleet: <what is wrong, where>`: one line, no stack, no package prefix, secrets redacted. */
  line: string;
}

/** The exit code and the one line `fleet` prints for any thrown value. */
export function failureOf(error: unknown): Failure {
  const message = errorText(error)
    .replace(/^\[fleet\] \[[\w-]+\] /, '')
    .replace(/\s+/g, ' ')
    .trim();
  const usage = isFleetError(error, 'invalid-options') || isFleetError(error, 'not-supported');
  return { code: usage ? 2 : 1, line: `fleet: ${message}` };
}
