import assert from 'node:assert/strict';
import type { FleetStatus, ProviderCapabilities, ScalingProvider } from '../provider.js';
import type { BackendView } from './provider-conformance.js';

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
export const sorted = (ids: readonly string[] | undefined) => (ids ? [...ids].sort() : undefined);

export function same(actual: unknown, expected: unknown, what: string): void {
  const show = (v: unknown) => (Number.isNaN(v) ? 'NaN' : (JSON.stringify(v) ?? String(v)));
  assert.deepStrictEqual(actual, expected, `${what}: expected ${show(expected)}, got ${show(actual)}`);
}

export function wellFormed(s: FleetStatus): void {
  for (const [key, value] of [
    ['target', s.target],
    ['ready', s.ready],
    ['starting', s.starting ?? 0],
  ] as const) {
    assert.ok(Number.isSafeInteger(value) && value >= 0, `status().${key} must be an integer >= 0, got ${value}`);
  }
  const up = s.ready + (s.starting ?? 0);
  assert.ok(up <= s.target, `status(): ready + starting (${up}) must not exceed target (${s.target})`);
  if (s.lastScaledAt !== undefined) assert.ok(Number.isFinite(s.lastScaledAt), 'status().lastScaledAt must be finite');
  const direction = s.lastScaleDirection;
  if (direction !== undefined) assert.ok(direction === 'up' || direction === 'down', `lastScaleDirection ${direction}`);
}

export async function rejects(call: Promise<unknown>, what: string, codes: string[]): Promise<void> {
  await assert.rejects(
    call,
    (error: { code?: unknown; message?: unknown }) => {
      assert.ok(typeof error?.message === 'string' && error.message.length > 0, `${what}: the error needs a message`);
      assert.ok(codes.includes(String(error.code)), `${what}: expected code ${codes.join(' or ')}, got ${error.code}`);
      return true;
    },
    `${what} must be rejected`,
  );
}

/** One provider under test, with the waits and reads the tests share. */
/** One test's provider, its backend view and the polls that wait for them to agree. */
export class Fleet<P extends ScalingProvider> {
  readonly controller = new AbortController();
  readonly caps: ProviderCapabilities;
  readonly top: number;

  constructor(
    readonly provider: P,
    private readonly read: (provider: P) => Promise<BackendView>,
    private readonly settleMs: number,
    maxTested: number,
  ) {
    this.caps = provider.capabilities ?? { scaleToZero: false };
    this.top = Math.min(maxTested, this.caps.maxSize ?? Infinity);
  }

  async scale(n: number): Promise<void> {
    this.controller.signal.throwIfAborted();
    // A provider that throws synchronously still fails as a rejection, so assert.rejects sees it.
    await Promise.resolve().then(() =>
      this.provider.scaleTo(n, { reason: `providerConformance: scaleTo(${n})`, signal: this.controller.signal }),
    );
  }

  status(): Promise<FleetStatus> {
    this.controller.signal.throwIfAborted();
    return this.provider.status(this.controller.signal);
  }

  async inspect(): Promise<BackendView> {
    this.controller.signal.throwIfAborted();
    const view = await this.read(this.provider);
    assert.ok(Number.isSafeInteger(view.running) && view.running >= 0, `inspect().running: got ${view.running}`);
    if (view.ids) assert.equal(new Set(view.ids).size, view.running, 'inspect().ids must be unique, one per worker');
    return view;
  }

  /** Reads until `ok` or `settleMs` has passed, and returns the last reading (or throws the last read's error). */
  async poll<T>(read: () => Promise<T>, ok: (value: T) => boolean): Promise<T> {
    const deadline = Date.now() + this.settleMs;
    const every = Math.min(250, Math.max(5, this.settleMs / 20));
    for (;;) {
      // A backend's list call may fail while it is busy scaling: retried like a disagreeing answer.
      const outcome = await read().then(
        (value) => ({ value, done: ok(value) }),
        (error: unknown) => ({ error }),
      );
      if ('done' in outcome && outcome.done) return outcome.value;
      if (Date.now() >= deadline || this.controller.signal.aborted) {
        if ('error' in outcome) throw outcome.error;
        return outcome.value;
      }
      await sleep(every);
    }
  }

  /** Waits until the backend runs `n` workers, and fails if it does not within `settleMs`. */
  async settle(n: number): Promise<BackendView> {
    const view = await this.poll(
      () => this.inspect(),
      (v) => v.running === n,
    );
    same(view.running, n, `after scaleTo(${n}) and up to ${this.settleMs} ms, inspect().running`);
    return view;
  }

  /** Scales to `n` and waits until the backend agrees. */
  async to(n: number): Promise<BackendView> {
    await this.scale(n);
    return this.settle(n);
  }

  /** Waits until `status().target` is `n`, and fails if it is not within `settleMs`. */
  async targetIs(n: number): Promise<void> {
    same(
      (
        await this.poll(
          () => this.status(),
          (s) => s.target === n,
        )
      ).target,
      n,
      'status().target',
    );
  }

  /** Checks the backend still matches `before`, now and once more after `settleMs` (a late change shows by then). */
  async holds(before: BackendView): Promise<void> {
    for (const wait of this.settleMs > 0 ? [0, this.settleMs] : [0]) {
      await sleep(wait);
      const now = await this.inspect();
      same(now.running, before.running, `${wait} ms later, inspect().running`);
      if (before.ids) same(sorted(now.ids), sorted(before.ids), `${wait} ms later, inspect().ids (none may restart)`);
    }
  }
}
