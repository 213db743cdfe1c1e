import { BroadcastChannel } from 'node:worker_threads';
import { providerConformance } from '@fleet/core/testing';
import { afterAll, afterEach, describe, it } from 'vitest';
import { threadProvider } from '../src/index.js';

const file = new URL('./fixtures/thread-idle.mjs', import.meta.url);
const registry = new BroadcastChannel('fleet-test-threads');
afterAll(() => registry.close());

// The threads themselves answer a ping on a BroadcastChannel: a path that bypasses the provider.
async function liveThreads(): Promise<string[]> {
  const ping = Math.random();
  const seen = new Set<string>();
  registry.onmessage = (event) => {
    const data = (event as MessageEvent).data as { pong?: number; threadId?: number };
    if (data?.pong === ping) seen.add(String(data.threadId));
  };
  registry.postMessage({ ping });
  await new Promise((resolve) => setTimeout(resolve, 100));
  return [...seen];
}

providerConformance(
  {
    name: 'threadProvider',
    create: () => threadProvider({ file, max: 5, waitReady: true, drainTimeoutMs: 5_000 }),
    inspect: async () => {
      const ids = await liveThreads();
      return { running: ids.length, ids };
    },
    settleMs: 1_500,
  },
  { describe, it, afterEach },
);
