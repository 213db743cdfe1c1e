import type { BodyLimits } from './bodies.js';
import { QueueError } from './errors.js';

/** Bodies of the routes whose fields are a few short strings and numbers. */
const SMALL_BODY = 16_384;

/**
 * The most bytes a route's body may hold: what its largest valid request takes, with room for JSON escapes.
 * `undefined` for a route that does not exist.
 */
export function bodyLimit(route: string, limits: BodyLimits): number | undefined {
  switch (route) {
    case 'POST /enqueue':
      return limits.maxEnqueueBytes;
    case 'POST /fail':
      // An error message of up to 65,536 characters, each up to 6 bytes as a JSON escape.
      return SMALL_BODY + 6 * 65_536;
    case 'POST /complete-batch':
      // Up to `maxClaim` leases of an id and a token of at most 64 characters.
      return SMALL_BODY + 512 * limits.maxClaim;
    case 'POST /requeue-dead':
      // Up to 10,000 job ids of at most 16 digits.
      return SMALL_BODY + 64 * 10_000;
    case 'POST /claim-next':
    case 'POST /complete':
    case 'POST /extend':
    case 'POST /wait':
    case 'POST /list-dead':
      return SMALL_BODY;
    default:
      return undefined;
  }
}

const tooLarge = (route: string, limit: number, what: string) =>
  new QueueError('body-too-large', `${route} body: ${what}, more than the ${limit} bytes this route takes`);

/**
 * Reads a body of at most `limit` bytes as UTF-8 text. A `content-length` above the limit is refused before a byte
 * is read; a body without one is read as it streams and cut off (its stream cancelled) as soon as it passes the
 * limit, so a request never costs the object more memory than its route's limit.
 */
export async function readBody(request: Request, route: string, limit: number): Promise<string> {
  const announced = request.headers.get('content-length');
  if (announced !== null && Number(announced) > limit) throw tooLarge(route, limit, `${announced} bytes announced`);
  if (request.body === null) return '';
  const reader = request.body.getReader();
  const parts: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await letGo(reader, Number(request.headers.get('content-length') ?? 0));
      throw tooLarge(route, limit, `cut off after ${size} bytes`);
    }
    parts.push(value);
  }
  const bytes = new Uint8Array(size);
  let at = 0;
  for (const part of parts) {
    bytes.set(part, at);
    at += part.byteLength;
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new QueueError('invalid-input', `invalid ${route} body: expected UTF-8 text, got ${size} bytes that are not`);
  }
}

/**
 * The most of a refused request's body the object reads (and drops, chunk by chunk) before answering. A body read to
 * its end lets the client keep its connection for the next request; a cancelled one makes the platform close it,
 * and an HTTP client that reused it would see its next request fail. So a small body is drained, a larger one
 * cancelled: a refusal never pulls more than this from a sender who is not allowed to send anything.
 */
const DRAIN_BYTES = 65_536;

/** Lets go of a body the object will not use: drains it when small, cancels its stream otherwise. Never throws. */
export async function discardBody(request: Request): Promise<void> {
  if (request.body === null || request.body.locked) return;
  await letGo(request.body.getReader(), Number(request.headers.get('content-length') ?? 0));
}

/** Drains what is left of a body (announced as `announced` bytes, 0 when unknown) up to DRAIN_BYTES, then cancels. */
async function letGo(reader: ReadableStreamDefaultReader<Uint8Array>, announced: number): Promise<void> {
  try {
    if (announced <= DRAIN_BYTES) {
      for (let seen = 0; seen <= DRAIN_BYTES; ) {
        const { done, value } = await reader.read();
        if (done) return;
        seen += value.byteLength;
      }
    }
    await reader.cancel();
  } catch {
    // The sender went away: nothing left to let go of.
  }
}
