import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import {
  Autoscaler,
  type AutoscalerOptions,
  ceilTarget,
  httpJsonMetric,
  type MetricSource,
  type Policy,
  type ScalingProvider,
  statusHandler,
} from '../src/index.js';
import { fixedMetric, memoryProvider } from '../src/testing/index.js';

// The credentials a failing metric URL carries: none of them may reach an answer, an event or a log line.
const SECRET_URL = 'https://user:pw@metrics.example/m?api_key=SECRET';
const TOKEN = 'an-admin-token-of-some-length';
const leaks = (text: string) => ['pw', 'SECRET'].filter((s) => text.includes(s));

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});
async function listen(handler: Parameters<typeof createServer>[1]) {
  const server = createServer(handler);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** Runs one tick through /trigger, then reads /status; returns both bodies and every error event and log line. */
async function everythingSaid(options: Partial<AutoscalerOptions>) {
  const logged: string[] = [];
  const log = (...args: unknown[]) => logged.push(JSON.stringify(args, (_k, v) => (v instanceof Error ? String(v) : v)));
  const scaler = new Autoscaler({
    metrics: options.metrics ?? fixedMetric({ pending: 3 }),
    provider: memoryProvider({ initial: 2 }),
    policy: ceilTarget({ metric: 'pending', perWorker: 5, scaleUpAbove: 8, scaleDownBelow: 2 }),
    max: 10,
    logger: { info: log, warn: log, error: log, debug: log },
    ...options,
  });
  const events: string[] = [];
  scaler.on('error', (e) => events.push(`${e.phase} ${e.source} ${e.error.message} ${String(e.error)}`));
  const base = await listen(statusHandler(scaler, { token: TOKEN }));
  const trigger = await fetch(`${base}/trigger`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}` } });
  const status = await fetch(`${base}/status`);
  return { trigger: await trigger.text(), triggerStatus: trigger.status, status: await status.text(), events, logged };
}

const throwing = (thrown: () => unknown): MetricSource => ({
  name: 'queue-stats',
  read: async () => {
    throw thrown();
  },
});

describe('statusHandler never shows a secret a failing metric source quotes', () => {
  it.each([
    ['an Error', () => new Error(`GET ${SECRET_URL} failed`)],
    ['a string', () => `GET ${SECRET_URL} failed`],
    ['an object with a message', () => ({ message: `GET ${SECRET_URL} failed` })],
  ])('a source that throws %s: /trigger, /status, error events and logs hold an outage without the secret', async (_what, thrown) => {
    const said = await everythingSaid({ metrics: throwing(thrown) });
    expect(said.triggerStatus).toBe(200);
    expect(JSON.parse(said.trigger)).toMatchObject({ action: 'hold', code: 'metric-outage' });
    expect(said.trigger).toContain('https://***@metrics.example/m?api_key=***');
    expect(said.events).toHaveLength(1);
    for (const text of [said.trigger, said.status, ...said.events, ...said.logged]) expect(leaks(text)).toEqual([]);
  });

  it('a value that cannot even be printed is an outage too, not a failed tick', async () => {
    const said = await everythingSaid({ metrics: throwing(() => Object.create(null)) });
    expect(said.triggerStatus).toBe(200);
    expect(JSON.parse(said.trigger)).toMatchObject({ action: 'hold', code: 'metric-outage' });
  });

  it('httpJsonMetric at a URL with credentials, and at one whose query carries a key and fails', async () => {
    const failing = await listen((_req, res) => res.writeHead(503).end('down'));
    const withKey = `${failing}/m?api_key=SECRET`;
    const withUser = `${failing.replace('//', '//user:pw@')}/m?api_key=SECRET`;
    for (const url of [withUser, withKey]) {
      const said = await everythingSaid({ metrics: httpJsonMetric({ url, path: 'pending' }) });
      expect(JSON.parse(said.trigger)).toMatchObject({ action: 'hold', code: 'metric-outage' });
      expect(said.events).toHaveLength(1);
      for (const text of [said.trigger, said.status, ...said.events, ...said.logged]) expect(leaks(text)).toEqual([]);
    }
  });
});

describe('statusHandler answers no secret a provider or a policy quotes', () => {
  const provider: ScalingProvider = {
    name: 'flaky',
    status: async () => {
      throw new Error(`GET ${SECRET_URL}: 500`);
    },
    scaleTo: async () => {},
  };
  const policy: Policy = {
    name: 'broken',
    keys: [],
    propose: () => {
      throw new Error(`lookup ${SECRET_URL} failed`);
    },
  };
  it.each([
    ['a provider whose status fails', { provider }],
    ['a policy that throws', { policy }],
  ])('%s: /trigger and /status redact its reason', async (_what, options) => {
    const said = await everythingSaid(options);
    expect(said.triggerStatus).toBe(200);
    expect(JSON.parse(said.trigger)).toMatchObject({ action: 'hold' });
    expect(JSON.parse(said.trigger).reason).toContain('https://***@metrics.example/m?api_key=***');
    for (const text of [said.trigger, said.status]) expect(leaks(text)).toEqual([]);
  });
});

describe('statusHandler options never quote the token', () => {
  it('a token too short is described by its length only', () => {
    const scaler = new Autoscaler({
      metrics: fixedMetric({ pending: 3 }),
      provider: memoryProvider(),
      policy: ceilTarget({ metric: 'pending', perWorker: 5, scaleUpAbove: 8, scaleDownBelow: 2 }),
      max: 2,
    });
    const refused = (() => {
      try {
        statusHandler(scaler, { token: 'hunter2' });
      } catch (error) {
        return error as Error & { code?: string };
      }
    })();
    expect(refused?.code).toBe('invalid-options');
    expect(refused?.message).toBe(
      '[fleet] [core] invalid statusHandler options: token: expected a token of at least 16 characters, got (a string of 7 characters, hidden)',
    );
    expect(refused?.message).not.toContain('hunter2');
  });
});
