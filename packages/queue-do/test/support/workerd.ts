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

/** A job's row as the object stores it (state: 0 ready, 1 delayed, 2 running, 3 dead). */
export interface Row {
  id: number;
  state: number;
  attempt: number;
  token: string | null;
  due_at: number;
  lost: number;
  size: number;
}

/** A Worker running in the real workerd (through Miniflare) on 127.0.0.1 with a free port. */
export interface RunningWorker {
  mf: Miniflare;
  /** `http://127.0.0.1:<port>`: `/small/…` and `/unconfigured/…` reach the objects with other options. */
  origin: string;
  /** Base URL of the queue API (`routeQueue`'s default `/queues`). */
  url: string;
  /** Reads an object's rows and alarm straight from its storage. */
  inspect(queue: string, basePath?: string): Promise<{ rows: Row[]; alarm: number | null; now: number }>;
  /** Runs an object's alarm handler now. */
  fireAlarm(queue: string, basePath?: string): Promise<{ alarm: number | null }>;
}

/** Starts the test Worker in workerd: one per test file, dispose it in `afterAll`. */
export async function startWorker(): Promise<RunningWorker> {
  const mf = new Miniflare({
    modules: true,
    script: await bundle('./test-worker.ts'),
    compatibilityDate: '2025-04-01',
    // No request.cf data: Miniflare would otherwise try to download it.
    cf: false,
    host: '127.0.0.1',
    port: 0,
    bindings: { FLEET_QUEUE_TOKEN: TOKEN },
    durableObjects: {
      QUEUE: { className: 'TestQueue', useSQLite: true },
      SMALL: { className: 'SmallQueue', useSQLite: true },
      UNCONFIGURED: { className: 'UnconfiguredQueue', useSQLite: true },
    },
  });
  const origin = (await mf.ready).origin;
  const url = `${origin}/queues`;
  const get = async (base: string, queue: string, what: string) => (await fetch(`${origin}${base}/${queue}/${what}`)).json();
  return {
    mf,
    origin,
    url,
    inspect: (queue, basePath = '/queues') => get(basePath, queue, 'inspect-rows') as never,
    fireAlarm: (queue, basePath = '/queues') => get(basePath, queue, 'inspect-alarm') as never,
  };
}
