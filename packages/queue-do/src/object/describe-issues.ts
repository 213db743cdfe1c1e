import type { z } from 'zod';

/** Issues listed in one message; a body with more says how many it left out. */
const MAX_ISSUES = 5;
/** Characters of a given value shown in a message: a message names the value, it does not echo a megabyte. */
const MAX_SHOWN = 64;

const clip = (text: string, max: number) => (text.length <= max ? text : `${text.slice(0, max)}… (${text.length} characters)`);

function describe(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (value !== null && typeof value === 'object') return 'an object';
  return `${clip(JSON.stringify(value), MAX_SHOWN)} (${value === null ? 'null' : typeof value})`;
}

function at(input: unknown, path: readonly PropertyKey[]): unknown {
  let here = input;
  for (const key of path) here = here !== null && typeof here === 'object' ? (here as Record<PropertyKey, unknown>)[key] : undefined;
  return here;
}

/** Each bad field of a failed parse, what was expected and what came: `max: Too small: …, got 0 (number)`. */
export function describeIssues(error: z.ZodError, input: unknown): string {
  const problems = error.issues.slice(0, MAX_ISSUES).map((issue) => {
    const path = clip(issue.path.map(String).join('.'), MAX_SHOWN);
    const given = issue.code === 'unrecognized_keys' ? '' : `, got ${describe(at(input, issue.path))}`;
    // An unknown key's name comes from the sender: shown clipped, like any value.
    return `${path ? `${path}: ` : ''}${clip(issue.message, 4 * MAX_SHOWN)}${given}`;
  });
  const more = error.issues.length - MAX_ISSUES;
  return `${problems.join('; ')}${more > 0 ? `; and ${more} more` : ''}`;
}
