import { describe, expect, it } from 'vitest';
import { fleetError } from '../src/errors.js';
import type { FleetStatus, ScaleDirection, ScalingProvider } from '../src/provider.js';
import { memoryProvider } from '../src/testing/memory-provider.js';
import { type ProviderConformanceGroup, providerConformance } from '../src/testing/provider-conformance.js';
import { collectTests, type TestResult } from '../src/testing/runner.js';

type Bug =
  | 'none'
  | 'adds-per-call'
  | 'racy-delta'
  | 'restarts-on-no-op'
  | 'caps-and-lies'
  | 'removes-oldest'
  | 'accepts-negative'
  | 'double-counts'
  | 'stamps-no-op'
  | 'zero-without-capability';

type Buggy = ScalingProvider & { readonly workers: readonly number[] };

/** A provider with one deliberate bug; with `'none'` it is correct, the control for the others. */
function buggyProvider(bug: Bug): Buggy {
  let next = 0;
  let workers = [next++];
  let asked = 1;
  let stamp: { lastScaledAt: number; lastScaleDirection: ScaleDirection } | undefined;
  const capabilities = { scaleToZero: bug !== 'zero-without-capability', maxSize: 10 };
  const resize = (n: number) => {
    while (workers.length < n) workers.push(next++);
    if (workers.length <= n) return;
    workers = bug === 'removes-oldest' ? workers.slice(workers.length - n) : workers.slice(0, n);
  };
  return {
    name: bug,
    capabilities,
    get workers() {
      return workers;
    },
    async status(): Promise<FleetStatus> {
      const size = workers.length;
      if (bug === 'caps-and-lies') return { target: asked, ready: asked, ...stamp };
      return { target: size, ready: size, starting: bug === 'double-counts' ? size : 0, ...stamp };
    },
    async scaleTo(n) {
      const min = capabilities.scaleToZero || bug === 'zero-without-capability' ? 0 : 1;
      const tooSmall = n < min && !(bug === 'accepts-negative' && n < 0);
      if (!Number.isInteger(n) || tooSmall || n > capabilities.maxSize) {
        throw fleetError('buggy', 'invalid-input', `scaleTo: expected an integer in ${min}..10, got ${n}`);
      }
      const target = Math.max(0, n);
      const before = workers.length;
      asked = target;
      if (bug === 'restarts-on-no-op' && target === before) {
        workers = workers.map(() => next++);
        return;
      }
      if (bug === 'racy-delta') {
        // Reads the size, then acts on the difference after an await: parallel calls each add it.
        await new Promise((resolve) => setTimeout(resolve, 1));
        if (target > before) for (let i = before; i < target; i++) workers.push(next++);
        else resize(target);
      } else if (bug === 'adds-per-call' && target >= before) resize(before + target);
      else resize(bug === 'caps-and-lies' ? Math.min(target, 2) : target);
      const after = workers.length;
      if (after !== before || bug === 'stamps-no-op') {
        const direction = after > before ? 'up' : after < before ? 'down' : stamp?.lastScaleDirection;
        stamp = { lastScaledAt: Date.now(), lastScaleDirection: direction ?? 'up' };
      }
    },
  };
}

async function runSuite<P extends ScalingProvider>(
  create: () => P,
  inspect: (provider: P) => Promise<{ running: number; ids?: string[] }>,
  skip: ProviderConformanceGroup[] = [],
): Promise<{ results: TestResult[]; failedGroups: string[] }> {
  const runner = collectTests();
  providerConformance({ create, inspect, skip }, runner);
  const results = await runner.run();
  const failedGroups = [...new Set(results.filter((r) => !r.passed).map((r) => r.path[1] ?? '?'))].sort();
  return { results, failedGroups };
}

const inspectBuggy = async (p: Buggy) => ({ running: p.workers.length, ids: p.workers.map(String) });
const suiteOn = (bug: Bug, skip?: ProviderConformanceGroup[]) => runSuite(() => buggyProvider(bug), inspectBuggy, skip);

describe('providerConformance catches broken providers', () => {
  it('passes the in-memory reference and the bug-free control, every group', async () => {
    const reference = await runSuite(
      () => memoryProvider(),
      async (p) => ({ running: p.workers.length, ids: p.workers.map((w) => String(w.index)) }),
    );
    expect(reference.results.length).toBeGreaterThanOrEqual(15);
    expect(reference.failedGroups).toEqual([]);
    expect((await suiteOn('none')).failedGroups).toEqual([]);
  });

  // Exactly these groups fail: the bug is caught, and by the group that names it.
  it.each([
    ['racy-delta', 'parallel calls each add the difference they read', ['idempotent']],
    ['restarts-on-no-op', 'restarts every worker when asked for the current size', ['idempotent']],
    ['removes-oldest', 'stops the oldest workers on scale-in', ['scale-down']],
    ['accepts-negative', 'takes scaleTo(-1) as 0', ['bad-input']],
    ['stamps-no-op', 'moves lastScaledAt on a no-op', ['last-scaled']],
    ['zero-without-capability', 'scales to 0 without declaring scaleToZero', ['zero']],
  ] as const)('%s (%s) fails exactly %j', async (bug, _what, groups) => {
    const { failedGroups } = await suiteOn(bug);
    expect(failedGroups).toEqual(groups);
  });

  // Bugs that break the fleet's size break most groups; these are the ones that must be among them.
  it.each([
    ['adds-per-call', 'starts n more workers on every call that is not a scale-down', ['idempotent', 'scale-up']],
    ['caps-and-lies', 'runs at most 2 workers but reports the asked target as ready', ['scale-up', 'status-truth']],
    ['double-counts', 'reports every worker as both ready and starting', ['status', 'status-truth']],
  ] as const)('%s (%s) fails at least %j', async (bug, _what, groups) => {
    const { failedGroups } = await suiteOn(bug);
    expect(failedGroups).toEqual(expect.arrayContaining([...groups]));
  });

  it('fails only the negative-size test for a provider that accepts negative sizes, and says so', async () => {
    const { results } = await suiteOn('accepts-negative');
    const failed = results.filter((r) => !r.passed);
    expect(failed.map((r) => r.name)).toEqual([expect.stringContaining('rejects a negative size')]);
    expect(String(failed[0]?.error)).toContain('scaleTo(-1) must be rejected');
  });

  it('names the kept and expected ids when scale-in stops the oldest', async () => {
    const { results } = await suiteOn('removes-oldest');
    const failed = results.find((r) => !r.passed && r.name.includes('newest'));
    expect(String(failed?.error)).toContain('must keep the oldest');
  });

  it('lets a provider skip the groups it cannot pass, and rejects unknown group names', async () => {
    expect((await suiteOn('racy-delta', ['idempotent'])).failedGroups).toEqual([]);
    const runner = collectTests();
    const create = () => buggyProvider('none');
    const skip = ['idempotence' as never];
    expect(() => providerConformance({ create, inspect: inspectBuggy, skip }, runner)).toThrow(/skip\.0/);
  });
});
