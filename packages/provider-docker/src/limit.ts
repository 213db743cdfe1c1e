/**
 * Runs at most `n` of the given tasks at a time. An engine starts containers slower, not faster, when asked for
 * twenty at once on a small host (measured: creates then time out), so changes go out a few at a time.
 */
export function limiter(n: number): <T>(task: () => Promise<T>) => Promise<T> {
  let active = 0;
  const waiting: (() => void)[] = [];
  return async (task) => {
    if (active >= n) await new Promise<void>((resolve) => waiting.push(resolve));
    active++;
    try {
      return await task();
    } finally {
      active--;
      waiting.shift()?.();
    }
  };
}
