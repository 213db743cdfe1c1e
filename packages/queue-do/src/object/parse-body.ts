import type { z } from 'zod';
import { describeIssues } from './describe-issues.js';
import { QueueError } from './errors.js';

/** Parses a body's text as JSON, or throws `invalid-input`. */
export function parseJson(text: string, route: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new QueueError('invalid-input', `invalid ${route} body: expected a JSON object, got ${text.length} characters that do not parse`);
  }
}

/** Parses a request body, or throws `invalid-input` naming each bad field, what was expected and what came. */
export function parseBody<S extends z.ZodType>(schema: S, input: unknown, route: string): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  throw new QueueError('invalid-input', `invalid ${route} body: ${describeIssues(result.error, input)}`);
}

/**
 * Levels of arrays and objects a payload may nest: SQLite's JSON functions, which read payloads back in a batch
 * claim or a dead-job listing, refuse a document nested 1,000 deep, and the answer wraps each payload two deeper.
 */
export const MAX_PAYLOAD_DEPTH = 512;

/** How deep `value` nests, counted without recursion (a deep payload would overflow the stack), up to `max + 1`. */
function depthOf(value: unknown, max: number): number {
  let deepest = 0;
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [here, depth] = stack.pop() as [unknown, number];
    if (here === null || typeof here !== 'object') continue;
    if (depth + 1 > deepest) deepest = depth + 1;
    if (deepest > max) return deepest;
    for (const item of Object.values(here)) stack.push([item, depth + 1]);
  }
  return deepest;
}

const encoder = new TextEncoder();

/**
 * The payload as JSON text, or `invalid-input` when it nests deeper than {@link MAX_PAYLOAD_DEPTH} or exceeds
 * `maxBytes` (checked before anything is written).
 */
export function payloadText(payload: unknown, maxBytes: number, field: string): string {
  if (depthOf(payload, MAX_PAYLOAD_DEPTH) > MAX_PAYLOAD_DEPTH)
    throw new QueueError('invalid-input', `${field}: the payload nests arrays or objects more than ${MAX_PAYLOAD_DEPTH} levels deep`);
  const text = JSON.stringify(payload);
  // UTF-16 length × 3 bounds the UTF-8 size, so most payloads skip the encoder.
  const bytes = text.length * 3 <= maxBytes ? text.length : encoder.encode(text).byteLength;
  if (bytes > maxBytes) {
    throw new QueueError(
      'invalid-input',
      `${field}: the payload is ${bytes} bytes of JSON, more than the ${maxBytes} a job may hold (a Durable Object row holds at most 2 MB)`,
    );
  }
  return text;
}
