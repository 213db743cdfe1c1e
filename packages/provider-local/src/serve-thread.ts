import { isMainThread, parentPort } from 'node:worker_threads';
import { errorText, fleetError } from '@fleet/core';
import { SCOPE } from './common.js';
import { isTask, type ResultMessage } from './protocol.js';

/**
 * Calls `onStop` once when this worker is asked to stop: SIGINT / SIGTERM in a child process (and PM2's `shutdown`
 * message), the `'shutdown'` message a `threadProvider` posts in a worker thread. Returns a function that removes
 * the listeners.
 */
export function onStopRequest(onStop: () => void): () => void {
  let called = false;
  const once = () => {
    if (!called) onStop();
    called = true;
  };
  const onMessage = (message: unknown) => message === 'shutdown' && once();
  if (!isMainThread && parentPort) {
    parentPort.on('message', onMessage);
    return () => parentPort?.off('message', onMessage);
  }
  process.on('SIGINT', once);
  process.on('SIGTERM', once);
  process.on('message', onMessage);
  return () => {
    process.off('SIGINT', once);
    process.off('SIGTERM', once);
    process.off('message', onMessage);
  };
}

/**
 * Serves a `threadProvider` pool from inside a worker thread: runs `handler` for each task and posts its answer,
 * posts `'ready'` once listening, and on `'shutdown'` finishes the tasks it holds, then exits the thread.
 *
 * @example
 * // handler.js, the pool's `file`
 * serveThread(async (payload) => route(payload));
 */
export function serveThread<T = unknown, R = unknown>(handler: (payload: T) => Promise<R> | R): void {
  const port = parentPort;
  if (isMainThread || !port) throw fleetError(SCOPE, 'not-supported', 'serveThread() must run inside a worker thread');
  let inFlight = 0;
  let stopping = false;
  const exitIfIdle = () => stopping && inFlight === 0 && process.exit(0);
  port.on('message', async (message: unknown) => {
    if (!isTask(message)) return;
    inFlight++;
    let answer: ResultMessage;
    try {
      answer = { type: 'fleet:result', id: message.id, ok: true, value: await handler(message.payload as T) };
    } catch (error) {
      // errorText never throws: String() of a null-prototype object would, and the task would never be answered.
      answer = { type: 'fleet:result', id: message.id, ok: false, error: errorText(error) };
    }
    inFlight--;
    port.postMessage(answer);
    exitIfIdle();
  });
  onStopRequest(() => {
    stopping = true;
    exitIfIdle();
  });
  port.postMessage('ready');
}
