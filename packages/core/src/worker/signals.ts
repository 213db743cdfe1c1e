/**
 * Why a worker started draining: a signal name, PM2's `shutdown` message, `disconnect` when the IPC channel to the
 * parent process closed (the parent exited or was killed), or `stop` for a call to `stop()`.
 */
export type StopReason = 'stop' | 'SIGINT' | 'SIGTERM' | 'shutdown' | 'disconnect';

/**
 * Calls `onStop` on SIGINT, SIGTERM, PM2's `shutdown` message (what PM2 sends with `shutdown_with_message`, and on
 * Windows), and, in a process forked with an IPC channel, when that channel closes: the parent that would have
 * stopped this worker is gone, so the worker must not run on without it. Returns a function that removes the
 * listeners, so a stopped worker leaves none behind.
 */
export function onShutdown(onStop: (reason: StopReason) => void): () => void {
  const onSignal = (signal: NodeJS.Signals) => onStop(signal === 'SIGINT' ? 'SIGINT' : 'SIGTERM');
  const onMessage = (message: unknown) => {
    if (message === 'shutdown') onStop('shutdown');
  };
  const onDisconnect = () => onStop('disconnect');
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  process.on('message', onMessage);
  // Only a process that has a channel now can lose it; without one, 'disconnect' never fires.
  const tied = process.connected === true;
  let removed = false;
  if (tied) process.on('disconnect', onDisconnect);
  // Forked with a channel that is already closed: the parent died while this process was starting (an ES module
  // that loads for a while can miss the 'disconnect' event), so it is gone just the same. After the caller returns.
  else if (typeof process.send === 'function') process.nextTick(() => removed || onDisconnect());
  return () => {
    removed = true;
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    process.off('message', onMessage);
    if (tied) process.off('disconnect', onDisconnect);
  };
}
