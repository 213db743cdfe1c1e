import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Autoscaler, ceilTarget, statusHandler } from '../src/index.js';
import { fixedMetric, memoryProvider } from '../src/testing/index.js';
import { rawRequest } from './support/raw-http.js';
import { statusScaler } from './support/status-scaler.js';

const TOKEN = 'an-admin-token-of-some-length';
let server: Server;
let port: number;
const served = statusScaler();
const fallthrough: string[] = [];

beforeAll(async () => {
  const { scaler } = served;
  const handler = statusHandler(scaler, { token: TOKEN, protectStatus: true, basePath: '/api/as' });
  // As in express: what the handler does not own goes to the next route, which answers 418 here.
  server = createServer((req, res) =>
    handler(req, res, () => {
      fallthrough.push(req.url ?? '');
      res.writeHead(418).end();
    }),
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const send = (method: string, target: string, headers: Record<string, string> = {}, body = '') =>
  rawRequest(
    port,
    `${method} ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n${Object.entries(headers)
      .map(([k, v]) => `${k}: ${v}\r\n`)
      .join('')}${body ? `Content-Length: ${Buffer.byteLength(body)}\r\n` : ''}\r\n${body}`,
  );
const auth = { authorization: `Bearer ${TOKEN}` };

describe('statusHandler matches the request target as a path only', () => {
  it.each([
    '//evil.example/api/as/status',
    '//evil.example/api/as/trigger',
    'http://evil.example/api/as/status',
    '/api/as//status',
    '/api/x/../as/status',
    '/api/./as/status',
    '/api/as%2Fstatus',
    '/api%2Fas/status',
    '/api/as/status/',
    '/API/as/status',
  ])('%s is not a route of /api/as: it goes to next()', async (target) => {
    const before = served.ticks();
    const answer = await send(target.endsWith('trigger') ? 'POST' : 'GET', target, auth);
    expect(answer.status).toBe(418);
    expect(fallthrough.at(-1)).toBe(target);
    expect(served.ticks()).toBe(before);
  });

  it('the exact paths, with a query or a fragment, are the routes', async () => {
    expect((await send('GET', '/api/as/status', auth)).status).toBe(200);
    expect((await send('GET', '/api/as/status?verbose=1', auth)).status).toBe(200);
    expect((await send('GET', '/api/as/status#top', auth)).status).toBe(200);
    const before = served.ticks();
    expect((await send('POST', '/api/as/trigger?x=1', auth)).status).toBe(200);
    expect(served.ticks()).toBe(before + 1);
  });
});

describe('statusHandler takes no body', () => {
  it('ignores up to 1 KiB, refuses more with 413 and runs no tick', async () => {
    const before = served.ticks();
    expect((await send('POST', '/api/as/trigger', auth, '{}')).status).toBe(200);
    expect(served.ticks()).toBe(before + 1);
    const big = await send('POST', '/api/as/trigger', auth, 'x'.repeat(1025));
    expect(big.status).toBe(413);
    expect(JSON.parse(big.body)).toEqual({ error: 'trigger takes no body: at most 1024 bytes are read and ignored' });
    const chunked = await rawRequest(
      port,
      `POST /api/as/trigger HTTP/1.1\r\nHost: x\r\nConnection: close\r\nAuthorization: Bearer ${TOKEN}\r\nTransfer-Encoding: chunked\r\n\r\n` +
        `400\r\n${'y'.repeat(1024)}\r\n1\r\nz\r\n0\r\n\r\n`,
    );
    expect(chunked.status).toBe(413);
    expect(served.ticks()).toBe(before + 1);
    expect((await send('GET', '/api/as/status', auth, 'x'.repeat(200_000))).status).toBe(413);
  });

  it('without next, an unknown path is a 404 in JSON that does not echo the request', async () => {
    const bare = createServer(
      statusHandler(
        new Autoscaler({
          metrics: fixedMetric({ pending: 3 }),
          provider: memoryProvider(),
          policy: ceilTarget({ metric: 'pending', perWorker: 5, scaleUpAbove: 8, scaleDownBelow: 2 }),
          max: 5,
        }),
      ),
    );
    await new Promise<void>((resolve) => bare.listen(0, '127.0.0.1', resolve));
    const answer = await rawRequest(
      (bare.address() as AddressInfo).port,
      'GET //evil.example/status?api_key=SECRET HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n',
    );
    await new Promise<void>((resolve) => bare.close(() => resolve()));
    expect(answer.status).toBe(404);
    expect(JSON.parse(answer.body)).toEqual({ error: 'not found: this handler serves GET /status and POST /trigger' });
  });
});
