import { expect, it } from 'vitest';
import { startGateway } from '../gateway.js';

it('S3, shortened: a burst scales the threads up (more threads answer), quiet brings them back to 2; the metrics line', async () => {
  const lines: string[] = [];
  const gateway = await startGateway({
    intervalMs: 300,
    cooldown: { up: 300, down: 600 },
    metricsEveryMs: 500,
    print: (l) => lines.push(l),
  });
  const scaled: Array<[number, number]> = [];
  gateway.scaler.on('scaled', (e) => scaled.push([e.from, e.to]));
  try {
    const threadsAnswering = new Set<number>();
    // A burst: 30 messages at a time, 20 ms of CPU each, for up to 8 s or until the pool grew past 3 threads.
    for (const end = Date.now() + 8_000; Date.now() < end && Math.max(0, ...scaled.map(([, to]) => to)) < 4; ) {
      for (const id of await Promise.all(Array.from({ length: 30 }, () => gateway.handle({ cpuMs: 20 })))) threadsAnswering.add(id);
    }
    const ready = async () => (await gateway.pool.status(AbortSignal.timeout(1_000))).ready;
    for (let i = 0; i < 50 && (await ready()) < 4; i++) await new Promise((r) => setTimeout(r, 100));
    for (const id of await Promise.all(Array.from({ length: 30 }, () => gateway.handle({ cpuMs: 20 })))) threadsAnswering.add(id);
    expect(scaled[0]).toEqual([2, 3]);
    expect(threadsAnswering.size).toBeGreaterThanOrEqual(4); // least-loaded dispatch reaches the new threads
    // Quiet: a message now and then, until every down rule holds for long enough.
    for (const end = Date.now() + 15_000; Date.now() < end && scaled[scaled.length - 1]?.[1] !== 2; ) {
      await gateway.handle({ cpuMs: 1 });
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(scaled[scaled.length - 1]?.[1]).toBe(2);
    expect(Object.keys(gateway.pool.load())).toHaveLength(2);
    const line =
      /^\[gateway\] \d+\.\d msg\/s \| latency avg \d+\.\d ms max \d+\.\d ms \| CPU \d+ % \| memory \d+ MB \| errors 0 \| threads \d$/;
    expect(lines.length).toBeGreaterThanOrEqual(2);
    for (const l of lines) expect(l).toMatch(line);
    expect(lines.some((l) => !l.includes(' 0.0 msg/s'))).toBe(true);
  } finally {
    await gateway.stop();
  }
});
