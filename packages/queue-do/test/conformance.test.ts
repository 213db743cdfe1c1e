import { queueConformance } from '@fleet/core/testing';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { doQueue } from '../src/index.js';
import { type RunningWorker, startWorker, TOKEN } from './support/workerd.js';

let worker: RunningWorker;
let n = 0;
beforeAll(async () => {
  worker = await startWorker();
}, 30_000);
afterAll(() => worker?.mf.dispose());

// Each test gets a fresh object (a new queue name), so no reset is needed.
queueConformance(
  { name: 'doQueue in workerd', create: () => doQueue({ url: worker.url, token: TOKEN, queue: `conformance-${++n}` }) },
  { describe, it },
);
