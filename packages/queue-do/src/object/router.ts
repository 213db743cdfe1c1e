import { discardBody } from './read-body.js';
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
 * undefined when the path is not under `basePath`, so your Worker can serve its other routes. A path under
 * `basePath` of another shape, or with a queue name out of the allowed characters, gets a JSON 404. The object
 * checks the bearer token itself.
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
  const [queue = '', action, ...rest] = url.pathname.slice(base.length + 1).split('/');
  // Under the base path, every answer is the API's: a path of another shape gets its JSON 404, not the app's.
  if (action === undefined || action === '' || rest.length > 0)
    return notFound(request, `path: expected ${base}/{queue}/{action}, got ${JSON.stringify(clip(url.pathname))}`);
  const name = safeDecode(queue);
  if (name === undefined || !QUEUE_NAME.test(name))
    return notFound(request, `queue name: expected 1-128 characters of A-Z a-z 0-9 . _ ~ : @ -, got ${JSON.stringify(clip(queue))}`);
  const stub = namespace.get(namespace.idFromName(options.objectName?.(name) ?? name) as never);
  url.pathname = `/${action}`;
  return stub.fetch(new Request(url.toString(), request));
}

const clip = (text: string) => (text.length <= 200 ? text : `${text.slice(0, 200)}…`);

async function notFound(request: Request, message: string): Promise<Response> {
  await discardBody(request);
  const error = { code: 'not-found', message: `[fleet] [queue-do] ${message}` };
  return Response.json({ success: false, error }, { status: 404 });
}

function safeDecode(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}
