import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { statusHandler } from '../src/index.js';
import { rawRequest } from './support/raw-http.js';
import { statusScaler } from './support/status-scaler.js';

// Requests built byte by byte, each with the answer it must get: what Node's parser refuses is a 400 or 431 before
// the handler runs; everything else is the handler's JSON 4xx or a 200, and only a valid token runs a tick.
const TOKEN = 'fuzz-admin-token-0123456789';
const servers: Server[] = [];
const ports: Record<'open' | 'protected', number> = { open: 0, protected: 0 };
const served = statusScaler();

beforeAll(async () => {
  const { scaler } = served;
  for (const kind of ['open', 'protected'] as const) {
    const server = createServer(statusHandler(scaler, { token: TOKEN, protectStatus: kind === 'protected', basePath: '/api/as' }));
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    ports[kind] = (server.address() as AddressInfo).port;
  }
});
afterAll(() => Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve)))));

/** A piece of a request and what it means: `parser` for bytes Node refuses (its status), else its effect. */
type Piece<T> = { text: string; parser?: number } & T;
const piece = <T>(text: string, meaning: T, parser?: number): Piece<T> => ({ text, ...meaning, ...(parser ? { parser } : {}) });

const method = fc.constantFrom(
  ...['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'TRACE'].map((m) => piece(m, { name: m })),
  piece('get', { name: 'get' }, 400),
  piece('FOO', { name: 'FOO' }, 400),
);
const prefix = fc.constantFrom('', '', '', '//evil.example', 'http://evil.example', '/x/..', '/.', '/');
const route = fc.constantFrom(
  piece('/api/as/status', { route: 'status' as const }),
  piece('/api/as/trigger', { route: 'trigger' as const }),
  piece('/api/as%2Fstatus', { route: undefined }),
  piece('/api/as/STATUS', { route: undefined }),
  piece('/api/as/trigger/', { route: undefined }),
  piece('/elsewhere', { route: undefined }),
);
const suffix = fc.oneof(
  fc.constantFrom(
    piece('', { keeps: true }),
    piece('?x=1', { keeps: true }),
    piece(`?token=${TOKEN}`, { keeps: true }),
    piece('#frag', { keeps: true }),
    piece('/..', { keeps: false }),
    piece('%00', { keeps: false }),
    piece('%C3%A9%E2%80%AE', { keeps: false }),
    piece('/%2e%2e', { keeps: false }),
    piece('\u00e9', { keeps: false }, 400),
    piece('\u0000', { keeps: false }, 400),
    piece(' x', { keeps: false }, 400),
  ),
  fc.stringMatching(/^[?#][\w%&=.-]{0,40}$/).map((s) => piece(s, { keeps: true })),
  fc.stringMatching(/^[/\w%.-]{1,40}$/).map((s) => piece(s, { keeps: false })),
);
const auth = fc.constantFrom(
  piece('', { valid: false }),
  piece(`Authorization: Bearer ${TOKEN}\r\n`, { valid: true }),
  piece(`Authorization: bearer ${TOKEN}\r\n`, { valid: true }),
  piece(`Authorization: Bearer \t ${TOKEN}   \r\n`, { valid: true }),
  piece(`Authorization: Bearer ${TOKEN}\r\nAuthorization: Bearer wrong\r\n`, { valid: true }), // Node keeps the first
  piece(`Authorization: Bearer wrong\r\nAuthorization: Bearer ${TOKEN}\r\n`, { valid: false }),
  piece(`Authorization: Basic ${TOKEN}\r\n`, { valid: false }),
  piece(`Authorization: Bearer ${TOKEN}x\r\n`, { valid: false }),
  piece(`Authorization: Bearer ${TOKEN} ${TOKEN}\r\n`, { valid: false }),
  piece(`Authorization: ${TOKEN}\r\n`, { valid: false }),
  piece('Authorization: Bearer\r\n', { valid: false }),
  piece(`Authorization: Bearer ${'a'.repeat(8_000)}\r\n`, { valid: false }),
  piece(`Authorization: Bearer ${TOKEN}\u0000\r\n`, { valid: false }, 400),
  piece(`Authorization: Bearer ${'a'.repeat(20_000)}\r\n`, { valid: false }, 431),
);
const extra = fc.constantFrom(
  piece('', {}),
  piece('Content-Type: application/json\r\n', {}),
  piece('X-Junk: \u00ff\u00fe\r\n', {}),
  piece('Expect: nothing\r\n', {}, 417),
);
const body = fc.oneof(
  fc.constant({ text: '', size: 0, chunked: false }),
  fc.integer({ min: 1, max: 400 }).map((n) => ({ text: `${'['.repeat(n)}${']'.repeat(n)}`, size: 2 * n, chunked: false })),
  fc.integer({ min: 513, max: 5_000 }).map((n) => ({ text: `${'{"a":'.repeat(n)}1${'}'.repeat(n)}`, size: 6 * n + 1, chunked: false })),
  fc.integer({ min: 1, max: 300_000 }).map((n) => ({ text: 'x'.repeat(n), size: n, chunked: false })),
  fc.integer({ min: 1, max: 4_000 }).map((n) => ({ text: 'y'.repeat(n), size: n, chunked: true })),
);

const request = fc.record({
  kind: fc.constantFrom('open' as const, 'protected' as const),
  method,
  prefix,
  route,
  suffix,
  auth,
  extra,
  body,
});
type Request = typeof request extends fc.Arbitrary<infer R> ? R : never;

function bytes(r: Request): Buffer {
  const framing = r.body.chunked
    ? `Transfer-Encoding: chunked\r\n\r\n${r.body.size.toString(16)}\r\n${r.body.text}\r\n0\r\n\r\n`
    : `${r.body.size > 0 ? `Content-Length: ${r.body.size}\r\n` : ''}\r\n${r.body.text}`;
  const head = `${r.method.text} ${r.prefix}${r.route.text}${r.suffix.text} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n`;
  return Buffer.from(`${head}${r.auth.text}${r.extra.text}${framing}`, 'latin1');
}

/** The status the request must get, and whether it runs a tick. */
function expected(r: Request): { status: number; tick: boolean; json: boolean } {
  const parser = r.method.parser ?? r.suffix.parser ?? r.auth.parser ?? r.extra.parser;
  if (parser) return { status: parser, tick: false, json: false };
  const json = r.method.name !== 'HEAD';
  const route = r.prefix === '' && r.suffix.keeps ? r.route.route : undefined;
  if (!route) return { status: 404, tick: false, json };
  const allowed = route === 'status' ? ['GET', 'HEAD'] : ['POST'];
  if (!allowed.includes(r.method.name)) return { status: 405, tick: false, json };
  if ((route === 'trigger' || r.kind === 'protected') && !r.auth.valid) return { status: 401, tick: false, json };
  if (r.body.size > 1024) return { status: 413, tick: false, json };
  return { status: 200, tick: route === 'trigger', json };
}

describe('statusHandler under hostile requests', () => {
  it('answers each with the expected 2xx/4xx, JSON errors, no echoed token, and a tick only for a valid trigger', async () => {
    await fc.assert(
      fc.asyncProperty(request, async (r) => {
        const want = expected(r);
        const before = served.ticks();
        const answer = await rawRequest(ports[r.kind], bytes(r));
        expect(answer.status).toBe(want.status);
        expect(served.ticks() - before).toBe(want.tick ? 1 : 0);
        expect(answer.body).not.toContain(TOKEN);
        if (want.json && want.status >= 400) {
          expect(answer.headers['content-type']).toBe('application/json; charset=utf-8');
          expect(JSON.parse(answer.body)).toEqual({ error: expect.stringMatching(/^[a-z]/) });
        }
        if (want.status === 405) expect(answer.headers.allow).toMatch(/^(GET|POST)$/);
        if (want.status === 401) expect(answer.headers['www-authenticate']).toBe('Bearer');
      }),
      { seed: 17, numRuns: 400 },
    );
  });
});
