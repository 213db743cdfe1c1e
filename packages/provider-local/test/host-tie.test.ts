import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
// @ts-expect-error: a plain-JS test fixture without types
import { startQueueServer } from './support/http-queue.mjs';
import { isRunning, until } from './support/proc.js';

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
interface QueueServer {
  url: string;
  queue: { enqueue(jobs: unknown): Promise<string[]>; stats(): Promise<Record<string, number>> };
  events: { type: string; id?: string; workerId?: string }[];
  completes: { id: string }[];
  close(): Promise<void>;
}

const hosts: ChildProcess[] = [];
let pids: number[] = [];
let server: QueueServer | undefined;
afterEach(async () => {
  // Only what this test started: the host, and the workers it reported. Nothing is left running if a case fails.
  for (const host of hosts.splice(0)) if (host.exitCode === null && host.signalCode === null) host.kill('SIGKILL');
  for (const pid of pids.filter(isRunning)) process.kill(pid, 'SIGKILL');
  pids = [];
  await server?.close();
  server = undefined;
});

/** Starts a host process that runs `workers` children of `script` through processProvider; resolves with their pids. */
async function startHost(script: string, env: Record<string, string>, workers = 3): Promise<{ host: ChildProcess; pids: number[] }> {
  const host = spawn(process.execPath, ['--import', 'tsx', fixture('host.ts')], {
    env: { ...process.env, CHILD_SCRIPT: fixture(script), WORKERS: String(workers), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  host.stderr?.on('data', (d) => (err += d));
  hosts.push(host);
  return new Promise((resolve, reject) => {
    host.stdout?.on('data', function read(d) {
      out += d;
      const line = out.split('\n').find((l) => l.startsWith('{"pids"'));
      if (!line) return;
      host.stdout?.off('data', read).resume();
      const started = (JSON.parse(line) as { pids: number[] }).pids;
      pids.push(...started);
      resolve({ host, pids: started });
    });
    host.on('exit', () => reject(new Error(`the host exited before its workers started:\n${out}\n${err}`)));
  });
}

describe('processProvider: no worker outlives its host', () => {
  for (const signal of ['SIGTERM', 'SIGKILL'] as const) {
    it(`${signal} to the host: its runWorker children drain (the job one held is completed), then every one exits`, async () => {
      server = (await startQueueServer()) as QueueServer;
      const { host } = await startHost('queue-worker.mjs', { QUEUE_URL: server.url, JOB_MS: '1500', HOST_DRAIN_MS: '10000' });
      expect(pids).toHaveLength(3);
      const [id] = await server.queue.enqueue({ payload: { n: 1 } });
      expect(await until(() => server?.events.some((e) => e.type === 'start' && e.id === id), 10_000, 20)).toBe(true);
      host.kill(signal);
      expect(await until(() => pids.every((pid) => !isRunning(pid)), 15_000)).toBe(true);
      expect(server.completes.map((c) => c.id)).toEqual([id]);
      expect(await server.queue.stats()).toMatchObject({ completedTotal: 1, running: 0, ready: 0, redeliveredTotal: 0 });
    }, 40_000);
  }

  it('SIGKILL to the host: plain scripts get SIGTERM, and one that ignores it is ended after drainTimeoutMs', async () => {
    const plain = await startHost('idle.mjs', { HOST_DRAIN_MS: '500' }, 2);
    const stubborn = await startHost('ignore-sigterm.mjs', { HOST_DRAIN_MS: '500' }, 2);
    expect(pids).toHaveLength(4);
    plain.host.kill('SIGKILL');
    stubborn.host.kill('SIGKILL');
    expect(await until(() => pids.every((pid) => !isRunning(pid)), 15_000)).toBe(true);
  }, 40_000);
});
