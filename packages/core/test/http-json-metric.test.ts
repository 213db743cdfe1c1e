import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Autoscaler, ceilTarget, httpJsonMetric } from '../src/index.js';
import { memoryProvider } from '../src/testing/index.js';

let server: Server;
let base: string;
let answer: { status: number; body: string } = { status: 200, body: '{}' };

beforeAll(async () => {
  server = createServer((_req, res) => {
    res.writeHead(answer.status, { 'content-type': 'application/json' });
    res.end(answer.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const signal = () => AbortSignal.timeout(2_000);

describe('httpJsonMetric', () => {
  it('reads numbers by dotted path from a real HTTP server', async () => {
    answer = { status: 200, body: JSON.stringify({ stats: { pending: 16, running: '3' } }) };
    const source = httpJsonMetric({ url: `${base}/api/queue/stats`, path: { pending: 'stats.pending', running: 'stats.running' } });
    expect(await source.read(signal())).toEqual({ pending: 16, running: 3 });
    expect(await httpJsonMetric({ url: `${base}/x`, path: 'stats.pending' }).read(signal())).toEqual({ pending: 16 });
  });

  it.each([
    [{ status: 500, body: '{}' }, /answered 500/],
    [{ status: 200, body: 'not json' }, /did not return JSON/],
    [{ status: 200, body: '{"stats":{}}' }, /'stats.pending' in the JSON .* is undefined, not a number/],
  ])('a bad answer is an error (an outage), never a zero: %j', async (bad, message) => {
    answer = bad;
    await expect(httpJsonMetric({ url: base, path: { pending: 'stats.pending' } }).read(signal())).rejects.toThrow(message);
  });

  it('a failing endpoint holds the fleet', async () => {
    answer = { status: 503, body: '' };
    const provider = memoryProvider({ initial: 6 });
    const scaler = new Autoscaler({
      metrics: httpJsonMetric({ url: base, path: { pending: 'pending' } }),
      provider,
      policy: ceilTarget({ metric: 'pending', perWorker: 5, scaleUpAbove: 8, scaleDownBelow: 2 }),
      max: 10,
      cooldown: { down: 0 },
    });
    expect(await scaler.evaluate()).toMatchObject({ from: 6, to: 6, code: 'metric-outage' });
  });

  it('refuses a bad url with the field named', () => {
    expect(() => httpJsonMetric({ url: 'nope', path: 'a' })).toThrow(/httpJsonMetric options: url: /);
  });
});
