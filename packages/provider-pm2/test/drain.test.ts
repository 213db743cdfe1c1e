import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type Pm2ProviderOptions, pm2Provider } from '../src/index.js';
import { deleteApps, startTestDaemon, type TestDaemon, until } from './support/daemon.js';
// @ts-expect-error: a plain-JS test fixture without types
import { startQueueServer } from './support/http-queue.mjs';

type Event = { type: string; id?: string; workerId?: string; at: number };
interface QueueServer {
  url: string;
  queue: { enqueue(jobs: unknown): Promise<string[]>; stats(): Promise<Record<string, number>> };
  events: Event[];
  completes: { id: string; at: number }[];
  close(): Promise<void>;
}

const script = fileURLToPath(new URL('./fixtures/queue-worker.mjs', import.meta.url));
const request = () => ({ reason: 'test', signal: new AbortController().signal });
let daemon: TestDaemon;
let server: QueueServer;
beforeAll(async () => {
  daemon = await startTestDaemon();
}, 30_000);
afterAll(() => daemon?.stop(), 30_000);
afterEach(async () => {
  await deleteApps(daemon, 'drain');
  await server?.close();
});

const make = async (options: Partial<Pm2ProviderOptions> & { env: Record<string, string> }) => {
  server = (await startQueueServer()) as QueueServer;
  return pm2Provider({
    mode: 'named',
    name: 'drain',
    script,
    min: 0,
    max: 2,
    pm2Home: daemon.home,
    ...options,
    env: { QUEUE_URL: server.url, ...options.env },
  });
};
const first = (type: string) => server.events.find((e) => e.type === type);

describe('graceful drain through a real PM2 stop', () => {
  it('a worker stopped in the middle of a 2 s job finishes and acknowledges it: started < stop signal < completed', async () => {
    const provider = await make({ drainTimeoutMs: 10_000, env: { JOB_MS: '2000', DRAIN_MS: '10000' } });
    await provider.scaleTo(1, request());
    const [id] = await server.queue.enqueue({ payload: { n: 1 } });
    expect(await until(() => first('start'), 10_000, 20)).toBeTruthy();
    await provider.scaleTo(0, request()); // PM2 sends SIGINT, waits up to kill_timeout
    const started = first('start') as Event;
    const stop = first('stop-signal') as Event;
    const completed = server.completes.find((c) => c.id === id);
    expect(stop).toMatchObject({ workerId: 'drain-1' });
    expect(completed).toBeTruthy();
    expect(started.at).toBeLessThan(stop.at);
    expect(stop.at).toBeLessThan((completed as { at: number }).at);
    expect(await server.queue.stats()).toMatchObject({ completedTotal: 1, running: 0, ready: 0, redeliveredTotal: 0 });
    // The stop returned only once the worker had drained and exited.
    expect((await daemon.list()).find((p) => p.name === 'drain-1')?.pm2_env?.status).toBe('stopped');
    await provider.close();
  });

  it('with a drain timeout shorter than the job, the job is not lost: its lease lets a worker take it again', async () => {
    const provider = await make({ drainTimeoutMs: 1_500, env: { JOB_MS: '2000', DRAIN_MS: '300', LEASE_MS: '1500' } });
    await provider.scaleTo(1, request());
    const [id] = await server.queue.enqueue({ payload: { n: 1 } });
    await until(() => first('start'), 10_000, 20);
    await provider.scaleTo(0, request());
    expect(server.completes).toHaveLength(0); // abandoned mid-job, not completed
    await provider.scaleTo(1, request());
    expect(await until(() => server.completes.some((c) => c.id === id), 15_000)).toBe(true);
    const starts = server.events.filter((e) => e.type === 'start' && e.id === id);
    expect(starts).toHaveLength(2);
    expect(await server.queue.stats()).toMatchObject({ completedTotal: 1, redeliveredTotal: 1, running: 0, ready: 0 });
    await provider.close();
  });
});
