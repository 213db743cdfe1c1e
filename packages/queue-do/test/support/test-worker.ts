// The Worker the tests run in workerd: the package's objects and router, plus inspection routes on each object
// that read its tables directly (a second path that bypasses the API) and fire its alarm by hand.
import { type DurableObjectNamespaceLike, defineQueueObject, QueueObject, routeQueue } from '../../src/worker.js';
import { pullProbe } from './pull-probe.js';

function inspectable(Base: typeof QueueObject): typeof QueueObject {
  return class extends Base {
    override async fetch(request: Request): Promise<Response> {
      const what = new URL(request.url).pathname;
      if (what === '/inspect-rows') {
        const rows = this.ctx.storage.sql
          .exec('SELECT id, state, attempt, token, due_at, lost, length(payload) AS size FROM fleet_jobs ORDER BY id')
          .toArray();
        return Response.json({ rows, alarm: await this.ctx.storage.getAlarm(), now: Date.now() });
      }
      if (what === '/inspect-alarm') {
        await this.alarm();
        return Response.json({ alarm: await this.ctx.storage.getAlarm() });
      }
      return super.fetch(request);
    }
  };
}

export const TestQueue = inspectable(QueueObject);
/** Small limits, so the limit tests need no megabytes; the payload limit asked for is above what a row holds. */
export const SmallQueue = inspectable(
  defineQueueObject({ maxPayloadBytes: 5_000_000, maxClaimBytes: 2_500, maxClaim: 300, maxEnqueueBytes: 3_000_000 }),
);
/** Reads its token from a binding that is not set: every request must be refused. */
export const UnconfiguredQueue = inspectable(defineQueueObject({ tokenBinding: 'NOT_SET' }));

type Env = Record<'QUEUE' | 'SMALL' | 'UNCONFIGURED', DurableObjectNamespaceLike>;

export default {
  fetch(request: Request, env: Env): Promise<Response> | Response {
    if (new URL(request.url).pathname === '/pull-probe')
      return pullProbe(request, (r) => routeQueue(r, env.QUEUE) ?? routeQueue(r, env.SMALL, { basePath: '/small' }));
    return (
      routeQueue(request, env.QUEUE) ??
      routeQueue(request, env.SMALL, { basePath: '/small' }) ??
      routeQueue(request, env.UNCONFIGURED, { basePath: '/unconfigured/' }) ??
      new Response('not found', { status: 404 })
    );
  },
};
