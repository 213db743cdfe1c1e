// Test fixture, not a published API: a ClaimQueue that several processes share. The test process serves core's
// memoryQueue() over HTTP on 127.0.0.1; worker processes use httpQueueClient(url), which implements ClaimQueue.
// Swapping in @fleet/queue-postgres means replacing startQueueServer() with postgresQueue({...}) in the test and
// httpQueueClient(url) with postgresQueue({...}) in the worker script; everything else stays.
import { createServer } from 'node:http';
import { FleetError } from '@fleet/core';
import { memoryQueue } from '@fleet/core/testing';

const METHODS = new Set(['enqueue', 'claim', 'complete', 'fail', 'extend', 'stats']);

/** Serves a memoryQueue on 127.0.0.1 (a free port). `events` records what workers report, with the server's time. */
export async function startQueueServer() {
  const queue = memoryQueue({ name: 'http-fixture' });
  const events = [];
  const claims = [];
  const completes = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', async () => {
      const send = (status, value) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(value));
      };
      try {
        const input = JSON.parse(body || '{}');
        if (req.url === '/event') {
          events.push({ ...input, at: Date.now() });
          return send(200, { ok: true });
        }
        const method = req.url?.slice(1);
        if (!METHODS.has(method)) return send(404, { ok: false, error: { message: `no method ${method}` } });
        const value = await queue[method](...input.args);
        if (method === 'claim') for (const job of value) claims.push({ id: job.id, workerId: input.args[0], at: Date.now() });
        if (method === 'complete') completes.push({ id: input.args[0].id, at: Date.now() });
        send(200, { ok: true, value });
      } catch (error) {
        send(200, { ok: false, error: { code: error?.code, message: String(error?.message ?? error) } });
      }
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}`,
    queue,
    events,
    claims,
    completes,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** A ClaimQueue over the fixture server, for worker processes. */
export function httpQueueClient(url) {
  const call = async (method, ...args) => {
    const res = await fetch(`${url}/${method}`, { method: 'POST', body: JSON.stringify({ args }) });
    const answer = await res.json();
    if (!answer.ok) throw new FleetError(answer.error.code ?? 'provider-failed', answer.error.message);
    return answer.value;
  };
  return {
    enqueue: (jobs) => call('enqueue', jobs),
    claim: (workerId, options) => call('claim', workerId, options),
    complete: (job) => call('complete', { id: job.id, token: job.token }),
    fail: (job, error, options) => call('fail', { id: job.id, token: job.token }, String(error), options),
    extend: (job, leaseMs) => call('extend', { id: job.id, token: job.token }, leaseMs),
    stats: () => call('stats'),
    metricSource: () => ({ name: 'http-fixture', read: () => call('stats') }),
    close: async () => {},
    /** Records an event on the server (job started, stop signal…), timed by the server's clock. */
    report: (event) => fetch(`${url}/event`, { method: 'POST', body: JSON.stringify(event) }).then((r) => r.json()),
  };
}
