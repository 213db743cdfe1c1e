import { bearerToken, secretsEqual } from './auth.js';
import { type BodyLimits, bodySchemas } from './bodies.js';
import { QueueError } from './errors.js';
import { parseBody, parseJson, payloadText } from './parse-body.js';
import { bodyLimit, discardBody, readBody } from './read-body.js';
import { requestKey } from './request-keys.js';
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

/** Refuses the request with 401 unless it carries the right bearer token. Reads headers only, never the body. */
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

const ROUTES =
  'POST /enqueue, POST /claim-next, POST /complete, POST /complete-batch, POST /fail, POST /extend, POST /wait, POST /list-dead, POST /requeue-dead or GET /stats';

/**
 * Serves the queue's HTTP API: `POST /enqueue`, `/claim-next`, `/complete`, `/complete-batch`, `/fail`, `/extend`,
 * `/wait`, `/list-dead`, `/requeue-dead` and `GET /stats`, each behind the bearer token. The token and the route are
 * checked before the body is touched; the body is read up to its route's limit, then validated before anything is
 * written. Errors answer `{ success: false, error: { code, message } }` with 400, 401, 404, 409 (`lease-lost`,
 * `idempotency-conflict`), 413 or 500.
 */
export async function handleApi(request: Request, path: string, c: ApiContext): Promise<Response> {
  try {
    await authorize(request, c.token);
    const route = `${request.method} ${path}`;
    if (route === 'GET /stats') {
      await discardBody(request);
      return json({ success: true, stats: c.store.sweeper.stats(c.now()) });
    }
    const limit = bodyLimit(route, c.limits);
    if (limit === undefined) throw new QueueError('not-found', `no route ${route.slice(0, 100)}: expected ${ROUTES}`);
    const text = await readBody(request, route, limit);
    return await answer(route, text, c);
  } catch (error) {
    // A refused request's body is let go unread: cancelled, not drained, so a refusal costs no memory.
    await discardBody(request);
    if (error instanceof QueueError) return json({ success: false, error: { code: error.code, message: error.message } }, error.status);
    throw error;
  }
}

async function answer(route: string, text: string, c: ApiContext): Promise<Response> {
  const schemas = bodySchemas(c.limits);
  const name = route.slice(route.indexOf('/') + 1);
  const input = parseJson(text, name);
  const keyOf = (requestId: string | undefined) => requestKey(requestId, route, text);
  switch (route) {
    case 'POST /enqueue': {
      const body = parseBody(schemas.enqueue, input, name);
      const jobs = body.jobs.map((job, i) => ({
        payload: payloadText(job.payload, c.limits.maxPayloadBytes, `jobs.${i}.payload`),
        priority: job.priority ?? 0,
        runAt: job.runAt,
        maxAttempts: job.maxAttempts,
        dedupKey: job.dedupKey,
      }));
      const key = await keyOf(body.requestId);
      return json({ success: true, ids: c.store.once(key, () => c.store.enqueue(jobs)) });
    }
    case 'POST /claim-next': {
      const body = parseBody(schemas.claim, input, name);
      const jobs = c.store.claim(body.workerId, body.max ?? 1, body.leaseMs ?? 30_000, await keyOf(body.requestId));
      // The chat-bot workers' answer: `message` is the (first) claimed job; `jobs` carries the whole batch.
      if (jobs.length === 0) return json({ success: false, message: null, reason: 'no_pending_messages', jobs });
      return json({ success: true, message: jobs[0], jobs });
    }
    case 'POST /complete': {
      const body = parseBody(schemas.complete, input, name);
      c.store.once(await keyOf(body.requestId), () => c.store.complete(body.id, body.token));
      return json({ success: true });
    }
    case 'POST /complete-batch': {
      const body = parseBody(schemas.completeBatch, input, name);
      const results = c.store.once(await keyOf(body.requestId), () =>
        c.store.completeMany(body.jobs).map((e) => (e ? { ok: false, code: e.code, message: e.message } : { ok: true })),
      );
      return json({ success: true, results });
    }
    case 'POST /fail': {
      const body = parseBody(schemas.fail, input, name);
      const key = await keyOf(body.requestId);
      c.store.once(key, () => c.store.fail(body.id, body.token, body.error ?? 'failed', body.retryInMs, c.random()));
      return json({ success: true });
    }
    case 'POST /extend': {
      const body = parseBody(schemas.extend, input, name);
      const key = await keyOf(body.requestId);
      return json({ success: true, leaseUntil: c.store.once(key, () => c.store.extend(body.id, body.token, body.leaseMs)) });
    }
    case 'POST /wait': {
      const body = parseBody(schemas.wait, input, name);
      return json({ success: true, ready: await c.wait(body.timeoutMs) });
    }
    case 'POST /list-dead': {
      const body = parseBody(schemas.listDead, input, name);
      return json({ success: true, jobs: c.store.listDead(body.limit ?? 100, body.offset ?? 0) });
    }
    case 'POST /requeue-dead': {
      const body = parseBody(schemas.requeueDead, input, name);
      return json({ success: true, ids: c.store.once(await keyOf(body.requestId), () => c.store.requeueDead(body.ids)) });
    }
    default:
      throw new QueueError('not-found', `no route ${route.slice(0, 100)}: expected ${ROUTES}`);
  }
}
