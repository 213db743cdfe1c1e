import { afterEach, describe, expect, it } from 'vitest';
import { fleetError } from '../src/errors.js';
import type { ScalingProvider } from '../src/provider.js';
import { FakeClock } from '../src/testing/fake-clock.js';
import { type MemoryProvider, memoryProvider } from '../src/testing/memory-provider.js';
import { providerConformance } from '../src/testing/provider-conformance.js';

const runner = { describe, it, afterEach };
const inspect = async (p: MemoryProvider) => ({
  running: p.workers.length,
  ids: p.workers.map((w) => String(w.index)),
});
const signal = new AbortController().signal;
const request = (abort = signal) => ({ reason: 'test', signal: abort });

providerConformance({ name: 'memoryProvider()', create: () => memoryProvider(), inspect }, runner);

providerConformance(
  {
    name: 'memoryProvider({ scaleToZero: false, maxSize: 4 })',
    create: () => memoryProvider({ scaleToZero: false, maxSize: 4, initial: 3 }),
    inspect,
    maxTested: 5,
  },
  runner,
);

providerConformance(
  {
    name: 'memoryProvider({ startupMs: 30 }), inspected without ids',
    create: () => memoryProvider({ startupMs: 30 }),
    inspect: async (p) => ({ running: p.workers.length }),
    settleMs: 100,
  },
  runner,
);

// The backend applies each scaleTo 30 ms after the call resolves, as Docker or Kubernetes do: the suite must poll.
function laggingProvider(lagMs: number): ScalingProvider & { inner: MemoryProvider } {
  const inner = memoryProvider();
  return {
    name: 'lagging',
    inner,
    capabilities: inner.capabilities,
    status: (signal) => inner.status(signal),
    async scaleTo(target, req) {
      if (!Number.isInteger(target) || target < 0) throw fleetError('lagging', 'invalid-input', `bad target ${target}`);
      setTimeout(() => inner.scaleTo(target, req).catch(() => {}), lagMs);
    },
  };
}
providerConformance(
  {
    name: 'a backend that lags 30 ms',
    create: () => laggingProvider(30),
    inspect: (p) => inspect(p.inner),
    settleMs: 250,
  },
  runner,
);

describe('memoryProvider on a FakeClock', () => {
  it('reports new workers as starting for startupMs, then ready', async () => {
    const clock = new FakeClock();
    const provider = memoryProvider({ clock, startupMs: 5_000, initial: 1 });
    await clock.advance(5_000);
    await provider.scaleTo(3, request());
    expect(await provider.status(signal)).toMatchObject({ target: 3, ready: 1, starting: 2 });
    await clock.advance(4_999);
    expect(await provider.status(signal)).toMatchObject({ ready: 1, starting: 2 });
    await clock.advance(1);
    expect(await provider.status(signal)).toMatchObject({ target: 3, ready: 3, starting: 0 });
  });

  it('fails the next n calls on failNext, records them, and changes nothing', async () => {
    const provider = memoryProvider({ initial: 1 });
    provider.failNext(2);
    await expect(provider.scaleTo(3, request())).rejects.toMatchObject({ code: 'provider-failed' });
    await expect(provider.scaleTo(3, request())).rejects.toMatchObject({ code: 'provider-failed' });
    expect(provider.workers).toHaveLength(1);
    await provider.scaleTo(3, request());
    expect(provider.workers).toHaveLength(3);
    expect(provider.calls.map((c) => c.ok)).toEqual([false, false, true]);
    provider.failNext(1, 'status');
    await expect(provider.status(signal)).rejects.toMatchObject({ code: 'provider-failed' });
    expect(await provider.status(signal)).toMatchObject({ target: 3 });
  });

  it('takes delayMs on the clock, and an abort stops the call before it changes anything', async () => {
    const clock = new FakeClock();
    const provider = memoryProvider({ clock, delayMs: 1_000, initial: 1 });
    let done = false;
    const call = provider.scaleTo(2, request()).then(() => (done = true));
    await clock.advance(999);
    expect(done).toBe(false);
    await clock.advance(1);
    await call;
    expect(provider.workers).toHaveLength(2);

    const controller = new AbortController();
    const aborted = provider.scaleTo(4, request(controller.signal));
    await clock.advance(500);
    controller.abort(new Error('provider timeout'));
    await expect(aborted).rejects.toThrow('provider timeout');
    await clock.advance(1_000);
    expect(provider.workers).toHaveLength(2);
    expect(provider.calls).toHaveLength(1);
    expect(clock.pendingTimers).toBe(0);
  });

  it('records scaling done by someone else as the last scaling event, with its direction', async () => {
    const clock = new FakeClock();
    const provider = memoryProvider({ clock, initial: 2 });
    expect((await provider.status(signal)).lastScaledAt).toBeUndefined();
    await clock.advance(60_000);
    provider.scaleExternally(5);
    expect(await provider.status(signal)).toMatchObject({ lastScaledAt: clock.now(), lastScaleDirection: 'up' });
    await clock.advance(1_000);
    provider.scaleExternally(1);
    expect(await provider.status(signal)).toMatchObject({ lastScaledAt: clock.now(), lastScaleDirection: 'down' });
    const at = clock.now();
    await clock.advance(1_000);
    provider.scaleExternally(1);
    expect((await provider.status(signal)).lastScaledAt).toBe(at);
    expect(provider.workers.map((w) => w.index)).toEqual([0]);
  });
});
