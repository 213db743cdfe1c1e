import assert from 'node:assert/strict';
import { z } from 'zod';
import { parseWith } from '../errors.js';
import type { FleetStatus, ProviderCapabilities, ScalingProvider } from '../provider.js';
import { Fleet, rejects, same, sleep, sorted, wellFormed } from './provider-fleet.js';
import type { TestRunner } from './runner.js';

/** The test groups of {@link providerConformance}, each skippable by name. */
export const PROVIDER_CONFORMANCE_GROUPS = [
  'status',
  'scale-up',
  'scale-down',
  'idempotent',
  'status-truth',
  'zero',
  'bad-input',
  'last-scaled',
] as const;

/** A group of {@link providerConformance}. */
export type ProviderConformanceGroup = (typeof PROVIDER_CONFORMANCE_GROUPS)[number];

/** The fleet as the backend itself reports it, bypassing the provider. */
export interface BackendView {
  /** Workers running (starting or ready; not the ones stopped or stopping). */
  running: number;
  /**
   * Their ids, when the backend can tell: they let the suite check that scale-in removes the newest workers and
   * that a no-op restarts nothing, so choose ids that change when a worker restarts (a pid, a container id).
   */
  ids?: string[];
}

/** Options of {@link providerConformance}. */
export interface ProviderConformanceOptions<P extends ScalingProvider = ScalingProvider> {
  /** Names the outer describe block. @default 'ScalingProvider' */
  name?: string;
  /** A fresh provider for each test, at any size. */
  create: () => Promise<P> | P;
  /** Reads the backend through its own path (PM2's process list, Docker's container list), never the provider. */
  inspect: (provider: P) => Promise<BackendView>;
  /** Removes what a test left behind (processes, containers), after each test. `close()` is called after it. */
  cleanup?: (provider: P) => Promise<void>;
  /**
   * The longest the backend may take after `scaleTo` resolves until `inspect` (and `status`) agree: they are polled
   * until then, so a generous value costs nothing when the backend is quick. It is also how long the suite watches
   * that a no-op or a rejected call changed nothing, and each test's timeout is `10 s + 20 × settleMs`.
   * @default 0
   */
  settleMs?: number;
  /** Groups to leave out, for what the backend cannot do. @default [] */
  skip?: readonly ProviderConformanceGroup[];
  /** The largest size tried (capped by `capabilities.maxSize`), at least 2. @default 3 */
  maxTested?: number;
  /** How far the clock behind `lastScaledAt` may differ from this process's (a remote API server's). @default 0 */
  clockSkewMs?: number;
}

const fn = z.custom<(...args: never[]) => unknown>((v) => typeof v === 'function', 'expected a function');
const optionsSchema = z.strictObject({
  name: z.string().default('ScalingProvider'),
  create: fn,
  inspect: fn,
  cleanup: fn.optional(),
  settleMs: z.number().int().min(0).default(0),
  skip: z.array(z.enum(PROVIDER_CONFORMANCE_GROUPS)).default([]),
  maxTested: z.number().int().min(2).default(3),
  clockSkewMs: z.number().int().min(0).default(0),
});

/**
 * The tests every ScalingProvider passes, registered on any runner with `describe` and `it` (vitest, jest,
 * `collectTests()`). Each test creates a provider, brings it to a known size, checks the backend through `inspect`
 * (never through the provider alone), and cleans up in `afterEach` (or in `finally` without one). Waits are polls
 * bounded by `settleMs`, so the in-memory provider runs the suite in milliseconds and a real backend as soon as it
 * agrees. Bad input must be rejected with an error whose `code` is `invalid-input` (`not-supported` is also
 * accepted for a size of 0), before anything changes.
 *
 * @example
 * import { afterEach, describe, it } from 'vitest';
 * providerConformance(
 *   {
 *     create: () => pm2Provider({ app: 'conformance', script: './idle.js' }),
 *     // PM2's own list, and pids as ids so that a restarted worker shows as a new one.
 *     inspect: async () => {
 *       const online = (await pm2List()).filter((p) => p.name === 'conformance' && p.status === 'online');
 *       return { running: online.length, ids: online.map((p) => String(p.pid)) };
 *     },
 *     cleanup: () => pm2Delete('conformance'),
 *     settleMs: 10_000,
 *   },
 *   { describe, it, afterEach },
 * );
 */
export function providerConformance<P extends ScalingProvider>(options: ProviderConformanceOptions<P>, runner: TestRunner): void {
  const o = parseWith(optionsSchema, options, 'core', 'providerConformance options');
  const { settleMs, maxTested } = o;
  const live = new Set<Fleet<P>>();
  const timeout = 10_000 + 20 * settleMs;

  const release = async (fleet: Fleet<P>) => {
    if (!live.delete(fleet)) return;
    fleet.controller.abort(new Error('[fleet] [conformance] the test ended'));
    try {
      await options.cleanup?.(fleet.provider);
    } finally {
      await fleet.provider.close?.();
    }
  };

  const test = (name: string, body: (fleet: Fleet<P>) => Promise<void>) =>
    runner.it(
      name,
      async () => {
        const fleet = new Fleet(await options.create(), options.inspect, settleMs, maxTested);
        live.add(fleet);
        try {
          assert.ok(fleet.top >= 2, `the suite needs capabilities.maxSize >= 2, got ${fleet.caps.maxSize}`);
          await body(fleet);
        } finally {
          if (!runner.afterEach) await release(fleet);
        }
      },
      timeout,
    );

  const group = (name: ProviderConformanceGroup, register: () => void) => {
    if (!o.skip.includes(name)) runner.describe(name, register);
  };

  runner.describe(`providerConformance: ${o.name}`, () => {
    runner.afterEach?.(async () => {
      for (const fleet of [...live]) await release(fleet);
    });

    group('status', () => {
      test('status() is well-formed', async (f) => wellFormed(await f.status()));
      test('status() stays well-formed right after each scaleTo and once settled', async (f) => {
        await f.to(1);
        for (const n of [f.top, 1]) {
          await f.scale(n);
          wellFormed(await f.status());
          await f.settle(n);
          wellFormed(await f.status());
        }
      });
    });

    group('scale-up', () => {
      test('scaleTo(n) one step at a time runs n workers', async (f) => {
        await f.to(1);
        for (let n = 2; n <= f.top; n++) await f.targetIs((await f.to(n)).running);
      });
      test('scaleTo(maxTested) from 1 in one call runs them all', async (f) => {
        await f.to(1);
        await f.targetIs((await f.to(f.top)).running);
      });
    });

    group('scale-down', () => {
      test('scaleTo(1) from maxTested runs 1 worker', async (f) => {
        await f.to(f.top);
        await f.targetIs((await f.to(1)).running);
      });
      test('scale-in removes the newest workers first (checked when inspect gives ids)', async (f) => {
        let order = (await f.to(1)).ids ?? [];
        for (let n = 2; n <= f.top; n++) {
          const ids = (await f.to(n)).ids ?? [];
          order = [...order.filter((id) => ids.includes(id)), ...ids.filter((id) => !order.includes(id))];
        }
        for (let n = f.top - 1; n >= 1; n--) {
          const { ids } = await f.to(n);
          if (ids) same(sorted(ids), sorted(order.slice(0, n)), `after scaleTo(${n}), ids (must keep the oldest)`);
        }
      });
    });

    group('idempotent', () => {
      test('scaleTo(n) twice in a row leaves exactly n', async (f) => {
        await f.to(1);
        await f.scale(2);
        await f.scale(2);
        await f.holds(await f.settle(2));
      });
      test('three scaleTo(n) in parallel leave exactly n, up and down', async (f) => {
        await f.to(1);
        for (const n of [f.top, 1]) {
          await Promise.all([f.scale(n), f.scale(n), f.scale(n)]);
          await f.holds(await f.settle(n));
        }
      });
      test('asking for the current size is a no-op: no worker restarted, ids unchanged', async (f) => {
        const before = await f.to(2);
        await f.scale(2);
        await f.holds(before);
        await f.targetIs(2);
      });
    });

    group('status-truth', () => {
      test('status().target and ready + starting agree with the backend after every change', async (f) => {
        await f.to(1);
        for (const n of [f.top, 2, 1, ...(f.caps.scaleToZero ? [0, 1] : []), f.top]) {
          const { running } = await f.to(n);
          const agrees = (s: FleetStatus) => s.target === n && s.ready + (s.starting ?? 0) === running;
          const status = await f.poll(() => f.status(), agrees);
          same(status.target, n, `after scaleTo(${n}), status().target`);
          same(status.ready + (status.starting ?? 0), running, `after scaleTo(${n}), ready + starting vs. inspect()`);
        }
      });
    });

    group('zero', () => {
      test('scaleTo(0) empties the fleet with scaleToZero, else is rejected and changes nothing', async (f) => {
        const before = await f.to(1);
        if (!f.caps.scaleToZero) {
          await rejects(f.scale(0), 'scaleTo(0) without capabilities.scaleToZero', ['invalid-input', 'not-supported']);
          return f.holds(before);
        }
        await f.to(0);
        const status = await f.poll(
          () => f.status(),
          (s) => s.target === 0 && s.ready === 0 && !s.starting,
        );
        same([status.target, status.ready, status.starting ?? 0], [0, 0, 0], 'status() [target, ready, starting]');
        await f.to(1);
      });
    });

    group('bad-input', () => {
      const cases: [string, (caps: ProviderCapabilities) => number][] = [
        ['a negative size', () => -1],
        ['a non-integer size', () => 1.5],
        ['NaN', () => Number.NaN],
        ['a size above capabilities.maxSize (Infinity without one)', (caps) => (caps.maxSize ?? Infinity) + 1],
      ];
      for (const [what, value] of cases) {
        test(`rejects ${what} with a clear error and changes nothing`, async (f) => {
          const before = await f.to(2);
          await rejects(f.scale(value(f.caps)), `scaleTo(${value(f.caps)})`, ['invalid-input']);
          await f.holds(before);
          await f.targetIs(2);
        });
      }
    });

    group('last-scaled', () => {
      test('after a real scale, lastScaledAt (if reported) is not before the call, with its direction', async (f) => {
        await f.to(1);
        for (const [n, direction] of [
          [2, 'up'],
          [1, 'down'],
        ] as const) {
          const started = Date.now() - o.clockSkewMs;
          await f.to(n);
          const { lastScaledAt: at, lastScaleDirection } = await f.status();
          if (at !== undefined) {
            assert.ok(at >= started, `lastScaledAt ${at} is before scaleTo(${n}) began (${started})`);
            assert.ok(at <= Date.now() + o.clockSkewMs, `lastScaledAt ${at} is in the future`);
          }
          if (lastScaleDirection !== undefined) same(lastScaleDirection, direction, `after scaleTo(${n}), direction`);
        }
      });
      test('a no-op scaleTo does not move lastScaledAt', async (f) => {
        await f.to(2);
        const { lastScaledAt, lastScaleDirection } = await f.status();
        await sleep(5); // so that a timestamp taken again would differ
        await f.scale(2);
        const after = await f.status();
        const moved = [after.lastScaledAt, after.lastScaleDirection];
        same(moved, [lastScaledAt, lastScaleDirection], 'after a no-op scaleTo, [lastScaledAt, lastScaleDirection]');
      });
    });
  });
}

/** deepStrictEqual with the values in the message, so a failure reads on its own. */
