import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * The Engine API calls dockerProvider makes, as the README's socket-proxy section lists them: the method and the
 * path after the optional `/v1.xx` version prefix.
 */
export const CONTAINER_ENDPOINTS: readonly [method: string, path: RegExp][] = [
  ['GET', /^\/version$/],
  ['GET', /^\/containers\/json$/],
  ['POST', /^\/containers\/create$/],
  ['POST', /^\/containers\/[^/]+\/start$/],
  ['POST', /^\/containers\/[^/]+\/stop$/],
  ['DELETE', /^\/containers\/[^/]+$/],
];

export interface AllowListProxy {
  port: number;
  /** Every request seen, as `METHOD /path` without the version prefix and the query. */
  seen: string[];
  /** The ones refused with 403. */
  refused: string[];
  close(): Promise<void>;
}

/**
 * A socket proxy in a few lines: listens on 127.0.0.1 only and forwards to the engine's unix socket the requests the
 * allow-list names, refusing every other one with 403, as a production proxy in front of the socket would.
 */
export async function allowListProxy(socketPath: string, allowed = CONTAINER_ENDPOINTS): Promise<AllowListProxy> {
  const seen: string[] = [];
  const refused: string[] = [];
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0]?.replace(/^\/v\d+\.\d+(?=\/)/, '') ?? '/';
    const call = `${req.method} ${path}`;
    seen.push(call);
    if (!allowed.some(([method, pattern]) => method === req.method && pattern.test(path))) {
      refused.push(call);
      res.writeHead(403, { 'content-type': 'application/json' }).end(JSON.stringify({ message: `refused by the proxy: ${call}` }));
      return;
    }
    const upstream = request({ socketPath, path: req.url, method: req.method, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    seen,
    refused,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
