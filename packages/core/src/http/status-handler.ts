import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import type { Autoscaler } from '../autoscaler.js';
import { errorText } from '../error-text.js';
import { parseWith } from '../errors.js';
import type { MetricSource } from '../metric.js';
import { redactSecrets } from '../redact.js';
import { bodyWithin, pathOf } from './request.js';

/** Options of {@link statusHandler}. */
export interface StatusHandlerOptions {
  /** Bearer token that `POST /trigger` requires. Without one, the trigger answers 403. */
  token?: string;
  /** Also require the token for `GET /status`. @default false */
  protectStatus?: boolean;
  /** Prefix of both routes, e.g. '/api/auto-scaler'. @default '' */
  basePath?: string;
}

const schema = z.strictObject({
  token: z.string().min(16, 'expected a token of at least 16 characters').optional(),
  protectStatus: z.boolean().default(false),
  basePath: z
    .string()
    .regex(/^(\/[\w.~-]+)*$/, "expected '' or a path such as '/api/auto-scaler'")
    .default(''),
});
schema satisfies z.ZodType<unknown, StatusHandlerOptions>;

/** A Node request handler; with `next`, requests it does not own go on (express, connect). */
export type RequestHandler = (req: IncomingMessage, res: ServerResponse, next?: (error?: unknown) => void) => void;

/** Neither route takes a body; a small one is ignored (clients that always send `{}`), a larger one refused. */
const MAX_IGNORED_BODY_BYTES = 1024;

const digest = (s: string) => createHash('sha256').update(s).digest();

/** Compares in constant time: both sides are hashed first, so neither length nor content leaks through timing. */
function bearerMatches(header: string | undefined, token: string): boolean {
  const given = /^Bearer\s+(.+)$/i.exec(header ?? '')?.[1] ?? '';
  return timingSafeEqual(digest(given), digest(token));
}

/** Every string answered passes through redactSecrets: a reason that quotes a failing URL never shows its credentials. */
const redacted = (_key: string, value: unknown) => (typeof value === 'string' ? redactSecrets(value) : value);

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...headers });
  res.end(JSON.stringify(body, redacted));
}

/** The configuration shown by `/status`: numbers and names only, never the provider's or sources' settings. */
function publicConfig(scaler: Autoscaler) {
  const o = scaler.options;
  const sources = (Array.isArray(o.metrics) ? o.metrics : [o.metrics]) as MetricSource[];
  return {
    name: o.name,
    min: o.min,
    max: o.max,
    intervalMs: o.intervalMs,
    cooldown: o.cooldown,
    stabilization: o.stabilization,
    rateLimit: o.rateLimit,
    onMetricError: o.onMetricError,
    dryRun: o.dryRun,
    ...(o.activation ? { activation: o.activation } : {}),
    policy: o.policy.name,
    provider: o.provider.name,
    metrics: sources.map((s) => s.name),
  };
}

/**
 * `GET {basePath}/status` and `POST {basePath}/trigger` for an Autoscaler, as a plain Node request handler that
 * `http.createServer`, express or any connect-style router takes. `/status` answers the snapshot (current, desired,
 * canScaleUp, canScaleDown, the last decision and its metrics, the configuration without secrets); `/trigger`
 * checks the bearer token in constant time (401 otherwise), runs one tick and answers its Decision.
 *
 * The request target is matched as a path only, byte for byte up to `?` or `#`: `//host/status`, `/x/../status`
 * and `%2F` never match. Neither route takes a body: up to 1 KiB is ignored, more is refused with 413. Every
 * answer is JSON; its strings pass through {@link redactSecrets}, so a reason quoting a failing URL shows no
 * credentials or query values.
 *
 * @example http.createServer(statusHandler(scaler, { token: process.env.ADMIN_TOKEN, basePath: '/api/auto-scaler' })).listen(8080, '127.0.0.1')
 */
export function statusHandler(scaler: Autoscaler, options: StatusHandlerOptions = {}): RequestHandler {
  const o = parseWith(schema, options, 'core', 'statusHandler options');
  const unauthorized = (res: ServerResponse) =>
    send(res, 401, { error: 'unauthorized: send Authorization: Bearer <token>' }, { 'www-authenticate': 'Bearer' });
  const routes = { status: `${o.basePath}/status`, trigger: `${o.basePath}/trigger` };
  return (req, res, next) => {
    const path = pathOf(req.url);
    const route = path === routes.status ? 'status' : path === routes.trigger ? 'trigger' : undefined;
    if (!route) {
      if (next) next();
      else send(res, 404, { error: `not found: this handler serves GET ${routes.status} and POST ${routes.trigger}` });
      return;
    }
    const method = route === 'status' ? 'GET' : 'POST';
    if (req.method !== method && !(route === 'status' && req.method === 'HEAD')) {
      send(res, 405, { error: `${route} takes ${method}` }, { allow: method });
      return;
    }
    const authorized = o.token !== undefined && bearerMatches(req.headers.authorization, o.token);
    if (route === 'status' ? o.protectStatus && !authorized : o.token !== undefined && !authorized) return unauthorized(res);
    if (route === 'trigger' && o.token === undefined) return send(res, 403, { error: 'trigger disabled: no token configured' });
    bodyWithin(req, MAX_IGNORED_BODY_BYTES).then((within) => {
      if (!within) return send(res, 413, { error: `${route} takes no body: at most ${MAX_IGNORED_BODY_BYTES} bytes are read and ignored` });
      if (route === 'status') {
        const snapshot = scaler.snapshot();
        const metrics = snapshot.lastDecision?.metrics ?? {};
        return send(res, 200, { ...snapshot, enabled: snapshot.running, metrics, config: publicConfig(scaler) });
      }
      scaler.evaluate().then(
        (decision) => send(res, 200, decision),
        (error: unknown) => (next ? next(error) : send(res, 500, { error: errorText(error) })),
      );
    });
  };
}
