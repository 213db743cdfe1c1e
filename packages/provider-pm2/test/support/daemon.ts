import type { Pm2TestDaemon } from '../../src/testing/index.js';

export { type Pm2TestDaemon as TestDaemon, startPm2Daemon as startTestDaemon } from '../../src/testing/index.js';

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Polls `check` until it returns a truthy value or `ms` passes; returns the last value. */
export async function until<T>(check: () => T | Promise<T>, ms = 10_000, every = 100): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value || Date.now() > deadline) return value;
    await sleep(every);
  }
}

/** Deletes every app whose name starts with `prefix` (between tests). */
export const deleteApps = (daemon: Pm2TestDaemon, prefix: string) => daemon.deleteApps(prefix);
