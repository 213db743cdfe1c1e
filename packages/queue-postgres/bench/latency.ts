import { runWorker, silentLogger } from '@fleet/core';
import { Logger, makeWorkerUtils, run } from 'graphile-worker';
import { PgBoss } from 'pg-boss';
import { postgresQueue } from '../dist/index.js';

/** Enqueue into an idle queue → handler starts, `samples` times, each once the worker has gone idle again. */
async function measure(samples: number, enqueue: () => Promise<unknown>, started: () => Promise<void>): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < samples; i++) {
    await new Promise((r) => setTimeout(r, 30 + Math.random() * 40));
    const t = performance.now();
    const wait = started();
    await enqueue();
    await wait;
    out.push(performance.now() - t);
  }
  return out;
}

function starts() {
  let resolve: () => void = () => {};
  return {
    next: () => new Promise<void>((r) => (resolve = r)),
    fire: () => resolve(),
  };
}

export async function oursLatency(url: string, samples: number): Promise<number[]> {
  const queue = postgresQueue({ connectionString: url, queue: 'latency' });
  const producer = postgresQueue({ connectionString: url, queue: 'latency' });
  await queue.migrate();
  const s = starts();
  const worker = runWorker({ queue, handleSignals: false, logger: silentLogger, handler: async () => s.fire() });
  await new Promise((r) => setTimeout(r, 300));
  const out = await measure(samples, () => producer.enqueue({ payload: 1 }), s.next);
  await worker.stop();
  await queue.close();
  await producer.close();
  return out;
}

export async function graphileLatency(url: string, samples: number): Promise<number[]> {
  const silent = new Logger(() => () => {});
  const utils = await makeWorkerUtils({ connectionString: url, logger: silent });
  const s = starts();
  const runner = await run({
    connectionString: url,
    concurrency: 1,
    noHandleSignals: true,
    logger: silent,
    taskList: { ping: async () => s.fire() },
  });
  await new Promise((r) => setTimeout(r, 300));
  const out = await measure(samples, () => utils.addJob('ping', {}), s.next);
  await runner.stop();
  await utils.release();
  return out;
}

export async function pgBossLatency(url: string, samples: number, notify: boolean): Promise<number[]> {
  const boss = new PgBoss({ connectionString: url, schedule: false, supervise: false });
  boss.on('error', () => {});
  await boss.start();
  const name = notify ? 'latency_notify' : 'latency';
  await boss.createQueue(name, notify ? ({ notify: true } as never) : {});
  const s = starts();
  await boss.work(name, async () => s.fire());
  await new Promise((r) => setTimeout(r, 300));
  const out = await measure(samples, () => boss.send(name, {}), s.next);
  await boss.stop({ graceful: false, close: true });
  return out;
}
