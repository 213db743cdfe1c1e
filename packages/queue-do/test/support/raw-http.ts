import { request } from 'node:http';

/** A request exactly as given: any method, a path the client does not normalize, raw body bytes, any headers. */
export interface RawRequest {
  method: string;
  path: string;
  headers: Record<string, string | string[]>;
  body?: Buffer;
  /** Send the body in pieces with `transfer-encoding: chunked` instead of a `content-length`. */
  chunked?: boolean;
}

/** What came back: status, content type and the body as text. */
export interface RawAnswer {
  status: number;
  type: string;
  text: string;
}

/** Sends one request on a connection of its own (node:http, which leaves the path as it is). */
export function rawRequest(origin: string, r: RawRequest): Promise<RawAnswer> {
  const url = new URL(origin);
  const framing: Record<string, string> =
    r.body === undefined ? {} : r.chunked ? { 'transfer-encoding': 'chunked' } : { 'content-length': String(r.body.length) };
  return new Promise((resolve, reject) => {
    const req = request(
      { host: url.hostname, port: url.port, method: r.method, path: r.path, headers: { ...r.headers, ...framing }, agent: false },
      (res) => {
        const parts: Buffer[] = [];
        res.on('data', (part: Buffer) => parts.push(part));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type']), text: Buffer.concat(parts).toString() }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    if (r.body !== undefined && r.chunked) {
      // Pieces of 4 KiB: the object sees a body of unknown length, arriving in parts.
      for (let at = 0; at < r.body.length; at += 4_096) req.write(r.body.subarray(at, at + 4_096));
    } else if (r.body !== undefined) req.write(r.body);
    req.end();
  });
}
