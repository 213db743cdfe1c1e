import { bearerToken, secretsEqual } from './auth.js';
import { type BodyLimits, bodySchemas, parseBody, payloadText } from './bodies.js';
import { QueueError } from './errors.js';
import type { QueueStore } from './store.js';

/** What the API needs besides the store. */
export interface ApiContext {
  store: QueueStore;
  /** The bearer token every request must carry; undefined refuses every request (fail closed). */
  token: string | undefined;
  limits: BodyLimits;
  now: () => number;
  random: () => number;
  /** Resolves `true` once jobs may be ready, `false` after `timeoutMs` without. */
  wait: (timeoutMs: number) => Promise<boolean>;
}

const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json; charset=utf-8' } });

async function readJson(request: Request, route: string): Promise<unknown> {
  const text = await request.text();
  try {
    return JSON.parse(text);
  } catch {
    throw new QueueError('invalid-input', `invalid ${route} body: expected a JSON object, got ${text.length} bytes that do not parse`);
  }
}

/** Refuses the request with 401 unless it carries the right bearer token. */
export async function authorize(request: Request, expected: string | undefined): Promise<void> {
  if (expected === undefined || expected === '') {
    throw new QueueError(
      'misconfigured',
      'no token is configured for this queue: set the FLEET_QUEUE_TOKEN secret (every request is refused until then)',
    );
  }
  const given = bearerToken(request);
  if (given === undefined || !(await secretsEqual(given, expected))) {
    throw new QueueError('unauthorized', 'missing or wrong bearer token (send Authorization: Bearer <token>)');
  }
}

/**
 * Serves the queue's HTTP API: `POST /enqueue`, `/claim-next`, `/complete`, `/complete-batch`, `/fail`, `/extend`,
 * `/wait`, `/list-dead`, `/requeue-dead` and `GET /stats`, each behind the bearer token, with bodies validated before anything is read or written. Errors answer
 * `{ success: false, error: { code, message } }` with 400, 401, 404, 409 (`lease-lost`) or 500.
 */
export async function handleApi(request: Request, path: string, c: ApiContext): Promise<Response> {
  try {
    await authorize(request, c.token);
    const schemas = bodySchemas(c.limits);
    const route = `${request.method} ${path}`;
    switch (route) {
      case 'POST /enqueue': {
        const body = parseBody(schemas.enqueue, await readJson(request, 'enqueue'), 'enqueue');
        const jobs = body.jobs.map((job, i) => ({
          payload: payloadText(job.payload, c.limits.maxPayloadBytes, `jobs.${i}.payload`),
          priority: job.priority ?? 0,
          runAt: job.runAt,
          maxAttempts: job.maxAttempts,
          dedupKey: job.dedupKey,
        }));
        return json({ success: true, ids: c.store.once(body.requestId, () => c.store.enqueue(jobs)) });
      }
      case 'POST /claim-next': {
        const body = parseBody(schemas.claim, await readJson(request, 'claim-next'), 'claim-next');
        const jobs = c.store.claim(body.workerId, body.max ?? 1, body.leaseMs ?? 30_000, body.requestId);
        // S0's shape: `message` is the (first) claimed job; `jobs` carries the whole batch.
        if (jobs.length === 0) return json({ success: false, message: null, reason: 'no_pending_messages', jobs });
        return json({ success: true, message: jobs[0], jobs });
      }
      case 'POST /complete': {
        const body = parseBody(schemas.complete, await readJson(request, 'complete'), 'complete');
        c.store.once(body.requestId, () => c.store.complete(body.id, body.token));
        return json({ success: true });
      }
      case 'POST /complete-batch': {
        const body = parseBody(schemas.completeBatch, await readJson(request, 'complete-batch'), 'complete-batch');
        const results = c.store.once(body.requestId, () =>
          c.store.completeMany(body.jobs).map((e) => (e ? { ok: false, code: e.code, message: e.message } : { ok: true })),
        );
        return json({ success: true, results });
      }
      case 'POST /fail': {
        const body = parseBody(schemas.fail, await readJson(request, 'fail'), 'fail');
        c.store.once(body.requestId, () => c.store.fail(body.id, body.token, body.error ?? 'failed', body.retryInMs, c.random()));
        return json({ success: true });
      }
      case 'POST /extend': {
        const body = parseBody(schemas.extend, await readJson(request, 'extend'), 'extend');
        return json({ success: true, leaseUntil: c.store.once(body.requestId, () => c.store.extend(body.id, body.token, body.leaseMs)) });
      }
      case 'POST /wait': {
        const body = parseBody(schemas.wait, await readJson(request, 'wait'), 'wait');
        return json({ success: true, ready: await c.wait(body.timeoutMs) });
      }
      case 'POST /list-dead': {
        const body = parseBody(schemas.listDead, await readJson(request, 'list-dead'), 'list-dead');
        return json({ success: true, jobs: c.store.listDead(body.limit ?? 100, body.offset ?? 0) });
      }
      case 'POST /requeue-dead': {
        const body = parseBody(schemas.requeueDead, await readJson(request, 'requeue-dead'), 'requeue-dead');
        return json({ success: true, ids: c.store.once(body.requestId, () => c.store.requeueDead(body.ids)) });
      }
      case 'GET /stats':
        return json({ success: true, stats: c.store.sweeper.stats(c.now()) });
      default:
        throw new QueueError(
          'not-found',
          `no route ${route}: expected POST /enqueue, POST /claim-next, POST /complete, POST /complete-batch, POST /fail, POST /extend, POST /wait, POST /list-dead, POST /requeue-dead or GET /stats`,
        );
    }
  } catch (error) {
    // An unread body left on a kept-alive connection resets the next request on it: drain what a refusal left.
    if (!request.bodyUsed) await request.arrayBuffer().catch(() => undefined);
    if (error instanceof QueueError) return json({ success: false, error: { code: error.code, message: error.message } }, error.status);
    throw error;
  }
}
