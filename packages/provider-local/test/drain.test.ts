import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { type ProcessProvider, processProvider } from '../src/index.js';
// @ts-expect-error: a plain-JS test fixture without types
import { startQueueServer } from './support/http-queue.mjs';
import { until } from './support/proc.js';

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
let server: QueueServer;
let provider: ProcessProvider | undefined;
afterEach(async () => {
  await provider?.close();
  await server?.close();
});
const make = async (drainTimeoutMs: number, env: Record<string, string>) => {
  server = (await startQueueServer()) as QueueServer;
  provider = processProvider({ script, name: 'drain', output: 'ignore', drainTimeoutMs, env: { QUEUE_URL: server.url, ...env } });
  return provider;
};
const first = (type: string) => server.events.find((e) => e.type === type);

describe('graceful drain through a real stop (SIGTERM)', () => {
  it('a worker stopped in the middle of a 2 s job finishes and acknowledges it: started < stop signal < completed', async () => {
    const p = await make(10_000, { JOB_MS: '2000', DRAIN_MS: '10000' });
    await p.scaleTo(1, request());
    const [id] = await server.queue.enqueue({ payload: { n: 1 } });
    await until(() => first('start'), 10_000, 20);
    await p.scaleTo(0, request());
    await until(() => server.completes.length > 0 && p.pids().length === 0, 10_000);
    const stop = first('stop-signal') as Event;
    const completed = server.completes.find((c) => c.id === id) as { at: number };
    expect(stop).toMatchObject({ workerId: 'drain-1', reason: 'SIGTERM' });
    expect((first('start') as Event).at).toBeLessThan(stop.at);
    expect(stop.at).toBeLessThan(completed.at);
    expect(await server.queue.stats()).toMatchObject({ completedTotal: 1, running: 0, redeliveredTotal: 0 });
  });

  it('with a drain timeout shorter than the job, the job is not lost: its lease lets a worker take it again', async () => {
    const p = await make(1_000, { JOB_MS: '2000', DRAIN_MS: '25000', LEASE_MS: '1500' });
    await p.scaleTo(1, request());
    const [id] = await server.queue.enqueue({ payload: { n: 1 } });
    await until(() => first('start'), 10_000, 20);
    const exits: (string | null)[] = [];
    p.on('exit', ({ signal }) => exits.push(signal));
    await p.scaleTo(0, request());
    await until(() => exits.length === 1, 5_000);
    expect(exits).toEqual(['SIGKILL']); // the provider's drain timeout ran out first
    expect(server.completes).toHaveLength(0);
    await p.scaleTo(1, request());
    expect(await until(() => server.completes.some((c) => c.id === id), 15_000)).toBe(true);
    expect(server.events.filter((e) => e.type === 'start' && e.id === id)).toHaveLength(2);
    expect(await server.queue.stats()).toMatchObject({ completedTotal: 1, redeliveredTotal: 1, running: 0, ready: 0 });
  });
});
