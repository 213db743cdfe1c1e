import { z } from 'zod';
import { type Clock, sleep, systemClock } from '../clock.js';
import { fleetError, parseWith } from '../errors.js';
import type { FleetStatus, ProviderCapabilities, ScaleDirection, ScaleRequest, ScalingProvider } from '../provider.js';

const optionsSchema = z.strictObject({
  name: z.string().default('memory'),
  initial: z.number().int().min(0).default(1),
  clock: z.custom<Clock>().optional(),
  startupMs: z.number().int().min(0).default(0),
  delayMs: z.number().int().min(0).default(0),
  maxSize: z.number().int().positive().optional(),
  scaleToZero: z.boolean().default(true),
});

/** Options of {@link memoryProvider}. */
export interface MemoryProviderOptions {
  /** @default 'memory' */
  name?: string;
  /** Workers at the start, all ready. @default 1 */
  initial?: number;
  /** @default systemClock */
  clock?: Clock;
  /** A new worker is `starting` for this long, then ready. @default 0 */
  startupMs?: number;
  /** Every `status` and `scaleTo` call takes this long on the clock (honouring its abort signal). @default 0 */
  delayMs?: number;
  /** Declared as `capabilities.maxSize`; larger targets are refused. */
  maxSize?: number;
  /** Declared as `capabilities.scaleToZero`. @default true */
  scaleToZero?: boolean;
}
optionsSchema satisfies z.ZodType<unknown, MemoryProviderOptions>;

/** One in-memory worker: its index, and when it was started (it is ready `startupMs` later). */
export interface MemoryWorker {
  index: number;
  startedAt: number;
}

/** The in-memory reference ScalingProvider, with hooks for tests. */
export interface MemoryProvider extends ScalingProvider {
  readonly capabilities: ProviderCapabilities;
  /** The workers as the "backend" sees them: the second path the conformance suite reads. */
  readonly workers: readonly MemoryWorker[];
  /** Every scaleTo call, in order, with its outcome. */
  readonly calls: ReadonlyArray<{ at: number; target: number; reason: string; ok: boolean }>;
  /** Makes the next `n` scaleTo (or status, with `'status'`) calls fail. */
  failNext(n: number, what?: 'scaleTo' | 'status'): void;
  /** Scales as someone else would (by hand), recorded as the backend's last scaling event. */
  scaleExternally(target: number): void;
}

/**
 * A fleet that lives in memory: the reference every real provider is compared to by `providerConformance`,
 * and the provider of choice for FakeClock tests. Workers are ready `startupMs` after they start; scale-in
 * removes the newest first; `delayMs` makes every call slow (on the clock).
 */
export function memoryProvider(options: MemoryProviderOptions = {}): MemoryProvider {
  const o = parseWith(optionsSchema, options, 'core', 'memoryProvider options');
  const clock = o.clock ?? systemClock;
  let next = 0;
  let list: MemoryWorker[] = [];
  const calls: { at: number; target: number; reason: string; ok: boolean }[] = [];
  const failing = { scaleTo: 0, status: 0 };
  let lastScaledAt: number | undefined;
  let lastScaleDirection: ScaleDirection | undefined;

  const resize = (target: number) => {
    if (target === list.length) return;
    lastScaleDirection = target > list.length ? 'up' : 'down';
    lastScaledAt = clock.now();
    while (list.length < target) list.push({ index: next++, startedAt: clock.now() });
    list = list.slice(0, target); // newest last, so they go first
  };
  resize(o.initial);
  // The initial fleet was there before anyone looked: ready, with no scaling event to report.
  for (const w of list) w.startedAt = Number.NEGATIVE_INFINITY;
  lastScaledAt = undefined;
  lastScaleDirection = undefined;

  const capabilities: ProviderCapabilities = { scaleToZero: o.scaleToZero, ...(o.maxSize ? { maxSize: o.maxSize } : {}) };
  const delay = (signal: AbortSignal) => (o.delayMs > 0 ? sleep(clock, o.delayMs, signal) : Promise.resolve());

  return {
    name: o.name,
    capabilities,
    get workers() {
      return list;
    },
    calls,
    async status(signal): Promise<FleetStatus> {
      await delay(signal);
      if (failing.status > 0) {
        failing.status--;
        throw fleetError('provider-memory', 'provider-failed', 'status failed (injected)');
      }
      const ready = list.filter((w) => clock.now() - w.startedAt >= o.startupMs).length;
      return {
        target: list.length,
        ready,
        starting: list.length - ready,
        ...(lastScaledAt !== undefined ? { lastScaledAt } : {}),
        ...(lastScaleDirection ? { lastScaleDirection } : {}),
      };
    },
    async scaleTo(target: number, request: ScaleRequest) {
      const max = capabilities.maxSize ?? Number.MAX_SAFE_INTEGER;
      const min = capabilities.scaleToZero ? 0 : 1;
      parseWith(z.number().int().min(min).max(max), target, 'provider-memory', 'scaleTo target', 'invalid-input');
      await delay(request.signal);
      const ok = failing.scaleTo === 0;
      calls.push({ at: clock.now(), target, reason: request.reason, ok });
      if (!ok) {
        failing.scaleTo--;
        throw fleetError('provider-memory', 'provider-failed', `scaleTo(${target}) failed (injected)`);
      }
      resize(target);
    },
    failNext(n, what = 'scaleTo') {
      failing[what] = n;
    },
    scaleExternally(target) {
      resize(target);
    },
    async close() {},
  };
}
