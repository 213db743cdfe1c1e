import { describe, expect, it } from 'vitest';
import { processMetrics } from '../src/index.js';

describe('processMetrics', () => {
  it('reports CPU while the process burns it, and event-loop delay while the loop is blocked', async () => {
    const source = processMetrics({ prefix: 'self.' });
    const signal = new AbortController().signal;
    await new Promise((r) => setTimeout(r, 50)); // the delay monitor's timer arms on the next loop turn
    await source.read(signal);
    const until = Date.now() + 200;
    while (Date.now() < until) {} // busy: one core, and a blocked loop
    await new Promise((r) => setTimeout(r, 30));
    const busy = await source.read(signal);
    await new Promise((r) => setTimeout(r, 200)); // idle
    const idle = await source.read(signal);
    source.close();
    expect(busy['self.cpuPercent']).toBeGreaterThan(20); // loose: other processes may share the core
    expect(idle['self.cpuPercent']).toBeLessThan((busy['self.cpuPercent'] as number) - 10);
    expect(busy['self.eventLoopDelayMs']).toBeGreaterThan(100);
    expect(idle['self.eventLoopDelayMs']).toBeLessThan(100);
    expect(busy['self.rssMb']).toBeGreaterThan(10);
    expect(busy['self.heapUsedMb']).toBeGreaterThan(1);
  });
});
