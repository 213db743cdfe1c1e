import type { DurableObjectNamespaceLike } from './runtime.js';

/** Options of {@link routeQueue}. */
export interface RouteQueueOptions {
  /** Path the queue API lives under in your Worker. @default '/queues' */
  basePath?: string;
  /** Which object serves a queue name. @default the name itself (one object per queue) */
  objectName?: (queue: string) => string;
}

const QUEUE_NAME = /^[A-Za-z0-9._~:@-]{1,128}$/;

/**
 * Sends `{basePath}/{queue}/{action}` to the queue's object (`idFromName(queue)`) and returns its answer, or
 * undefined when the path is not under `basePath`, so your Worker can serve its other routes. The object checks
 * the bearer token itself.
 *
 * @example
 * export { QueueObject } from '@fleet/queue-do/worker';
 * export default {
 *   fetch: (request, env) => routeQueue(request, env.QUEUE) ?? new Response('not found', { status: 404 }),
 * };
 */
export function routeQueue(
  request: Request,
  namespace: DurableObjectNamespaceLike,
  options: RouteQueueOptions = {},
): Promise<Response> | undefined {
  const base = (options.basePath ?? '/queues').replace(/\/+$/, '');
  const url = new URL(request.url);
  if (!url.pathname.startsWith(`${base}/`)) return undefined;
  const [queue, action, ...rest] = url.pathname.slice(base.length + 1).split('/');
  if (queue === undefined || action === undefined || rest.length > 0) return undefined;
  const name = safeDecode(queue);
  if (name === undefined || !QUEUE_NAME.test(name)) {
    const message = `[fleet] [queue-do] queue name: expected 1-128 characters of A-Z a-z 0-9 . _ ~ : @ -, got ${JSON.stringify(queue)}`;
    return Promise.resolve(Response.json({ success: false, error: { code: 'not-found', message } }, { status: 404 }));
  }
  const stub = namespace.get(namespace.idFromName(options.objectName?.(name) ?? name) as never);
  url.pathname = `/${action}`;
  return stub.fetch(new Request(url.toString(), request));
}

function safeDecode(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}
