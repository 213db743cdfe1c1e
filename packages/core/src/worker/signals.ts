/** Why a worker started draining: a signal name, PM2's `shutdown` message, or `stop` for a call to `stop()`. */
export type StopReason = 'stop' | 'SIGINT' | 'SIGTERM' | 'shutdown';

/**
 * Calls `onStop` on SIGINT, SIGTERM, or PM2's `shutdown` message (what PM2 sends with `shutdown_with_message`,
 * and on Windows). Returns a function that removes the listeners, so a stopped worker leaves none behind.
 */
export function onShutdown(onStop: (reason: StopReason) => void): () => void {
  const onSignal = (signal: NodeJS.Signals) => onStop(signal === 'SIGINT' ? 'SIGINT' : 'SIGTERM');
  const onMessage = (message: unknown) => {
    if (message === 'shutdown') onStop('shutdown');
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  process.on('message', onMessage);
  return () => {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    process.off('message', onMessage);
  };
}
