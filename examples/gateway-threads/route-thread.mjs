// A gateway thread: "routes" one message: `cpuMs` of parsing and matching (busy), then `ioMs` of waiting on the broker.
import { threadId } from 'node:worker_threads';
import { serveThread } from '@fleet/provider-local';

serveThread(async ({ cpuMs = 1, ioMs = 0 }) => {
  for (const end = performance.now() + cpuMs; performance.now() < end; );
  if (ioMs > 0) await new Promise((resolve) => setTimeout(resolve, ioMs));
  return threadId;
});
