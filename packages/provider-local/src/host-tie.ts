/**
 * Ties a worker process to its host, so that no worker outlives it. Each worker gets one more pipe (fd 4) whose
 * other end only the host holds: the OS closes it when the host ends in any way (exit, crash, SIGTERM without a
 * handler, SIGKILL), and the worker then stops itself as the host would have stopped it: SIGTERM, which `runWorker`
 * turns into a drain, then SIGKILL after `drainTimeoutMs`. A worker that already handles the loss of its parent's
 * IPC channel (`runWorker` listens for `disconnect`) gets no SIGTERM, only the forced end.
 *
 * The worker side is a preload (`--import`) given inline, so it runs before any script, in any module format, and
 * works whatever the package is bundled into. Its pipe is unref'd: it never keeps a worker that is done alive.
 */

/** The worker's file descriptor of the tie: the first after stdin, stdout, stderr and the IPC channel. */
export const HOST_TIE_FD = 4;

const preload = (drainTimeoutMs: number) => `import { Socket } from 'node:net';
const quiet = (error) => { if (error.code !== 'EPIPE' && error.code !== 'ERR_STREAM_DESTROYED') throw error; };
process.stdout.on('error', quiet);
process.stderr.on('error', quiet);
const host = new Socket({ fd: ${HOST_TIE_FD}, readable: true, writable: false });
host.on('error', () => {});
host.once('close', () => {
  setTimeout(() => process.kill(process.pid, 'SIGKILL'), ${drainTimeoutMs}).unref();
  if (process.listenerCount('disconnect') === 0) process.kill(process.pid, 'SIGTERM');
});
host.unref();
host.resume();`;

/**
 * The Node flags that load the tie in a worker: first, so it is in place before the script and the user's own
 * `--import` hooks. The EPIPE guard keeps a worker whose output went to its host alive to finish its job once the
 * host (the reader) is gone.
 */
export function hostTieExecArgv(drainTimeoutMs: number): string[] {
  return ['--import', `data:text/javascript,${encodeURIComponent(preload(drainTimeoutMs))}`];
}
