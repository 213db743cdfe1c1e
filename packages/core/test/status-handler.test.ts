import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { Autoscaler, type StatusHandlerOptions, statusHandler, utilization } from '../src/index.js';
import { fixedMetric, memoryProvider } from '../src/testing/index.js';

const TOKEN = 'an-admin-token-of-some-length';
let server: Server | undefined;
afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

// S2's daemon: utilization over mailboxes, with its status and trigger endpoints on a real HTTP server.
async function serve(options: StatusHandlerOptions = { token: TOKEN, basePath: '/api/auto-scaler' }) {
  const provider = memoryProvider({ initial: 1 });
  const mailboxes = fixedMetric({ mailboxes: 850 }, 'mailbox-count');
  const scaler = new Autoscaler({
    metrics: mailboxes,
    provider,
    policy: utilization({ metric: 'mailboxes', capacityPerWorker: 1000, scaleUpAbove: 0.8, scaleDownBelow: 0.3 }),
    min: 1,
    max: 100,
    cooldown: { up: 300_000, down: 600_000 },
  });
  server = createServer(statusHandler(scaler, options));
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { base, scaler, provider };
}

describe('statusHandler', () => {
  it('POST /trigger with the token runs one tick and answers its decision', async () => {
    const { base, provider } = await serve();
    const res = await fetch(`${base}/api/auto-scaler/trigger`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}` } });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ action: 'scale-up', from: 1, to: 2, code: 'policy', metrics: { mailboxes: 850 } });
    expect(provider.workers).toHaveLength(2);
  });

  it('GET /status shows current, desired, what can happen now, and the config without secrets', async () => {
    const { base } = await serve();
    await fetch(`${base}/api/auto-scaler/trigger`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}` } });
    const body = await (await fetch(`${base}/api/auto-scaler/status`)).json();
    expect(body).toMatchObject({
      enabled: false,
      current: 2,
      desired: 2,
      canScaleUp: false, // within the 5 min up cooldown
      canScaleDown: false, // within the 10 min down cooldown
      metrics: { mailboxes: 850 },
      lastDecision: { to: 2 },
      config: { min: 1, max: 100, cooldown: { up: 300_000, down: 600_000 }, provider: 'memory', metrics: ['mailbox-count'] },
    });
    expect(JSON.stringify(body)).not.toContain(TOKEN);
  });

  it.each([
    ['no header', {}],
    ['a wrong token', { authorization: 'Bearer wrong-token-wrong-token' }],
    ['another scheme', { authorization: `Basic ${TOKEN}` }],
  ])('refuses %s with 401 and changes nothing', async (_what, headers) => {
    const { base, provider } = await serve();
    const res = await fetch(`${base}/api/auto-scaler/trigger`, { method: 'POST', headers });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Bearer');
    expect(provider.calls).toHaveLength(0);
  });

  it('answers 405 for the wrong method, 404 elsewhere, 403 for a trigger without a configured token', async () => {
    const { base } = await serve();
    expect((await fetch(`${base}/api/auto-scaler/trigger`)).status).toBe(405);
    expect((await fetch(`${base}/api/auto-scaler/elsewhere`)).status).toBe(404);
    await new Promise<void>((resolve) => server?.close(() => resolve()));
    const open = await serve({});
    expect((await fetch(`${open.base}/trigger`, { method: 'POST' })).status).toBe(403);
    expect((await fetch(`${open.base}/status`)).status).toBe(200);
  });

  it('can protect /status too, and refuses bad options', async () => {
    const { base } = await serve({ token: TOKEN, protectStatus: true });
    expect((await fetch(`${base}/status`)).status).toBe(401);
    expect((await fetch(`${base}/status`, { headers: { authorization: `Bearer ${TOKEN}` } })).status).toBe(200);
    const scaler = new Autoscaler({
      metrics: fixedMetric({ m: 0 }),
      provider: memoryProvider(),
      policy: utilization({ metric: 'm', capacityPerWorker: 1, scaleUpAbove: 0.8, scaleDownBelow: 0.3 }),
      max: 2,
    });
    expect(() => statusHandler(scaler, { token: 'short' })).toThrow(
      /statusHandler options: token: expected a token of at least 16 characters/,
    );
    expect(() => statusHandler(scaler, { basePath: 'api/' })).toThrow(/basePath/);
  });
});
