import type { IncomingMessage } from 'node:http';

/**
 * The path of a request target, read as a path only: everything before the first `?` or `#`, byte for byte. A URL
 * parser would read `//evil.example/api/status` as a host and the path `/api/status`, and would resolve `/..` and
 * `%2F`; here none of them can match a route spelled without them.
 */
export function pathOf(target: string | undefined): string {
  const text = target ?? '';
  const end = text.search(/[?#]/);
  return end < 0 ? text : text.slice(0, end);
}

/**
 * Resolves true when the request body is at most `limit` bytes (a body the routes ignore), false as soon as it is
 * larger. A declared `content-length` decides at once; a chunked body is counted as it arrives, and what is left of
 * a refused one is discarded by Node after the answer. A body a framework already read counts as within.
 */
export function bodyWithin(req: IncomingMessage, limit: number): Promise<boolean> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (!(declared <= limit)) return Promise.resolve(false);
  if (req.headers['transfer-encoding'] === undefined || req.readableEnded) return Promise.resolve(true);
  return new Promise((resolve) => {
    let seen = 0;
    const done = (within: boolean) => {
      req.off('data', onData).off('end', onEnd).off('error', onError);
      if (!within) req.resume();
      resolve(within);
    };
    const onData = (chunk: Buffer) => {
      seen += chunk.length;
      if (seen > limit) done(false);
    };
    const onEnd = () => done(true);
    const onError = () => done(false);
    req.on('data', onData).on('end', onEnd).on('error', onError);
  });
}
