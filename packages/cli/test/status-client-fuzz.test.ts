import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli } from '../src/cli.js';
import { failureOf } from '../src/failure.js';

// `fleet status` against a server that answers garbage: each run must end in one clear line and a non-zero exit,
// with no stack trace and no token, and must never follow a redirect to another origin.
const TOKEN = 'client-fuzz-token-0123456789';
type Behaviour =
  | { kind: 'answer'; status: number; type: string; body: string }
  | { kind: 'huge'; bytes: number }
  | { kind: 'redirect'; status: number }
  | { kind: 'silent' }
  | { kind: 'stall' }
  | { kind: 'hang-up' };

let behaviour: Behaviour = { kind: 'silent' };
let elsewhereHits = 0;
let base = '';
let elsewhere = '';
const servers: Server[] = [];

function answer(req: IncomingMessage, res: ServerResponse) {
  const b = behaviour;
  if (b.kind === 'answer') return void res.writeHead(b.status, { 'content-type': b.type }).end(b.body);
  if (b.kind === 'huge') {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.write(`{"enabled":true,"pad":"`);
    res.end(`${'x'.repeat(b.bytes)}"}`);
    return;
  }
  if (b.kind === 'redirect') return void res.writeHead(b.status, { location: `${elsewhere}${req.url}` }).end();
  if (b.kind === 'stall') return void res.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' }).write('{"ena');
  if (b.kind === 'hang-up') return void req.socket.destroy();
  // silent: never answers; the server closes the socket when the test ends.
}

async function listen(handler: (req: IncomingMessage, res: ServerResponse) => void) {
  const server = createServer(handler);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}
beforeAll(async () => {
  base = await listen(answer);
  elsewhere = await listen((_req, res) => {
    elsewhereHits++;
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"enabled":true}');
  });
});
afterAll(() => {
  for (const s of servers) s.closeAllConnections();
  return Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
});

/** Runs `fleet status` in this process; returns what it printed, and the exit code and line of its failure. */
async function fleetStatus(trigger: boolean) {
  const printed: string[] = [];
  const args = ['status', `${base}/api/as/status`, '--token', TOKEN, '--timeout-ms', '250', ...(trigger ? ['--trigger'] : [])];
  try {
    const code = await cli(args, { out: (line) => printed.push(line), env: {} });
    return { code, printed, line: '' };
  } catch (error) {
    return { printed, ...failureOf(error) };
  }
}

const garbageText = fc.oneof(
  fc.string({ maxLength: 200 }),
  fc.constant(`Error: bad token ${TOKEN}\n    at handler (/srv/app.js:1:1)\n`),
  fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)),
  fc.constantFrom(
    '{"enabled":"yes"}',
    '{"enabled":1}',
    '[{"enabled":true}]',
    '{"action":"explode"}',
    'null',
    `{"error":"no ${TOKEN}\\nhere"}`,
  ),
);
/** An answer that is neither a status (object with a boolean `enabled`) nor a Decision (object with a known action). */
const wrongShape = (text: string) => {
  try {
    const v = JSON.parse(text);
    const record = typeof v === 'object' && v !== null && !Array.isArray(v);
    return !(record && (typeof v.enabled === 'boolean' || ['scale-up', 'scale-down', 'hold'].includes(v.action)));
  } catch {
    return true;
  }
};
const behaviours: fc.Arbitrary<Behaviour> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant('answer' as const),
      status: fc.constant(200),
      type: fc.constantFrom('application/json', 'text/html'),
      body: garbageText.filter(wrongShape),
    }),
  },
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant('answer' as const),
      status: fc.constantFrom(400, 401, 403, 404, 405, 413, 429, 500, 502, 503),
      type: fc.constantFrom('application/json', 'text/plain'),
      body: garbageText,
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('huge' as const), bytes: fc.integer({ min: 1024 * 1024, max: 3 * 1024 * 1024 }) }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('redirect' as const), status: fc.constantFrom(301, 302, 303, 307, 308) }) },
  { weight: 1, arbitrary: fc.constantFrom({ kind: 'silent' as const }, { kind: 'stall' as const }, { kind: 'hang-up' as const }) },
);

describe('fleet status against a hostile server', () => {
  it('ends every garbage answer with one clear line and exit 1: no stack, no token, no redirect followed', async () => {
    await fc.assert(
      fc.asyncProperty(behaviours, fc.boolean(), async (b, trigger) => {
        behaviour = b;
        const hits = elsewhereHits;
        const r = await fleetStatus(trigger);
        expect(r.code).toBe(1);
        expect(r.printed).toEqual([]);
        expect(r.line).toMatch(new RegExp(`^fleet: ${base}/api/as/(status|trigger): \\S`));
        expect(r.line).not.toMatch(/[\r\n]|\bat .*:\d+:\d+/);
        expect(r.line).not.toContain(TOKEN);
        expect(r.line.length).toBeLessThan(600);
        expect(elsewhereHits).toBe(hits);
      }),
      { seed: 17, numRuns: 150 },
    );
  });

  it('names what went wrong', async () => {
    const cases: Array<[Behaviour, RegExp]> = [
      [{ kind: 'answer', status: 200, type: 'text/html', body: '<html>' }, /: answered 200 OK with a body that is not JSON/],
      [{ kind: 'answer', status: 200, type: 'application/json', body: '[1]' }, /: answered JSON that is not a status/],
      [
        { kind: 'answer', status: 503, type: 'application/json', body: `{"error":"down: ${TOKEN}"}` },
        /: 503 Service Unavailable: down: \*\*\*$/,
      ],
      [{ kind: 'huge', bytes: 2 * 1024 * 1024 }, /: answered more than 1048576 bytes/],
      [
        { kind: 'redirect', status: 302 },
        /: answered 302 Found to "http:\/\/127\.0\.0\.1:\d+\/api\/as\/status"; redirects are not followed/,
      ],
      [{ kind: 'silent' }, /: no answer within 250 ms \(--timeout-ms\)$/],
      [{ kind: 'stall' }, /: no complete answer within 250 ms/],
      [{ kind: 'hang-up' }, /: no answer: /],
    ];
    for (const [b, line] of cases) {
      behaviour = b;
      expect((await fleetStatus(false)).line).toMatch(line);
    }
  });

  it('a status that echoes the token is printed without it', async () => {
    behaviour = { kind: 'answer', status: 200, type: 'application/json', body: JSON.stringify({ enabled: true, echo: `Bearer ${TOKEN}` }) };
    const r = await fleetStatus(false);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.printed.join('\n'))).toEqual({ enabled: true, echo: 'Bearer ***' });
  });
});
