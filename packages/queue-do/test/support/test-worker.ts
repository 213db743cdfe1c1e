// The Worker the tests run in workerd: the package's object and router, plus an inspection route per object
// that reads its tables directly (a second path that bypasses the API) and can fire its alarm by hand.
import { type DurableObjectNamespaceLike, QueueObject, routeQueue } from '../../src/worker.js';

export class TestQueue extends QueueObject {
  override async fetch(request: Request): Promise<Response> {
    const what = new URL(request.url).pathname;
    if (what === '/inspect-rows') {
      const rows = this.ctx.storage.sql.exec('SELECT id, state, attempt, token, due_at, lost FROM fleet_jobs ORDER BY id').toArray();
      return Response.json({ rows, alarm: await this.ctx.storage.getAlarm(), now: Date.now() });
    }
    if (what === '/inspect-alarm') {
      await this.alarm();
      return Response.json({ alarm: await this.ctx.storage.getAlarm() });
    }
    return super.fetch(request);
  }
}

export default {
  fetch(request: Request, env: { QUEUE: DurableObjectNamespaceLike }): Promise<Response> | Response {
    return routeQueue(request, env.QUEUE) ?? new Response('not found', { status: 404 });
  },
};
