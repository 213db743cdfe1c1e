import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { Miniflare } from 'miniflare';

/** The bearer token the test Worker expects. */
export const TOKEN = 'test-token-0123456789';

/** Bundles a Worker entry into one ES module, as wrangler would. */
export async function bundle(entry: string): Promise<string> {
  const result = await build({
    entryPoints: [fileURLToPath(new URL(entry, import.meta.url))],
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    target: 'es2022',
    write: false,
    logLevel: 'silent',
  });
  return result.outputFiles[0]?.text ?? '';
}

/** A Worker running in the real workerd (through Miniflare) on 127.0.0.1 with a free port. */
export interface RunningWorker {
  mf: Miniflare;
  /** Base URL of the queue API (`routeQueue`'s default `/queues`). */
  url: string;
  /** Reads an object's rows and alarm straight from its storage. */
  inspect(queue: string): Promise<{
    rows: { id: number; state: number; attempt: number; token: string | null; due_at: number; lost: number }[];
    alarm: number | null;
    now: number;
  }>;
  /** Runs an object's alarm handler now. */
  fireAlarm(queue: string): Promise<{ alarm: number | null }>;
}

/** Starts the test Worker (or `entry`) in workerd: one per test file, dispose it in `afterAll`. */
export async function startWorker(entry = './test-worker.ts', className = 'TestQueue'): Promise<RunningWorker> {
  const mf = new Miniflare({
    modules: true,
    script: await bundle(entry),
    compatibilityDate: '2025-04-01',
    host: '127.0.0.1',
    port: 0,
    bindings: { FLEET_QUEUE_TOKEN: TOKEN },
    durableObjects: { QUEUE: { className, useSQLite: true } },
  });
  const url = `${(await mf.ready).origin}/queues`;
  const get = async (queue: string, what: string) => (await fetch(`${url}/${queue}/${what}`)).json();
  return {
    mf,
    url,
    inspect: (queue) => get(queue, 'inspect-rows') as never,
    fireAlarm: (queue) => get(queue, 'inspect-alarm') as never,
  };
}
