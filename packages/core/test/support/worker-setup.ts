// A runWorker on a FakeClock and a memoryQueue, with its log lines collected: the setup the worker tests share.
import type { Logger } from '../../src/logger.js';
import { FakeClock } from '../../src/testing/fake-clock.js';
import { memoryQueue } from '../../src/testing/memory-queue.js';
import type { RunWorkerOptions } from '../../src/worker/options.js';
import { runWorker } from '../../src/worker/run-worker.js';

export function workerSetup() {
  const clock = new FakeClock();
  const queue = memoryQueue<number>({ clock, backoff: { baseMs: 100, maxMs: 100 } });
  const lines: string[] = [];
  const log = (level: string) => (_fields: unknown, message: unknown) => lines.push(`${level} ${String(message)}`);
  const logger: Logger = { info: log('info'), warn: log('warn'), error: log('error') };
  const start = (options: Partial<RunWorkerOptions<number>> & Pick<RunWorkerOptions<number>, 'handler'>) =>
    runWorker<number>({ queue, clock, logger, handleSignals: false, workerId: 'w1', ...options });
  return { clock, queue, lines, logger, start };
}
