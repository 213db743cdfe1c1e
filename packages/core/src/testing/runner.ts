/** A test body: may return a promise. */
export type TestFn = () => unknown;

/**
 * The test runner functions a conformance suite registers its tests with: vitest's and jest's fit as they are
 * (`{ describe, it, beforeEach, afterEach }`), so the suites run under either without importing one.
 */
export interface TestRunner {
  describe(name: string, fn: () => void): void;
  /** `timeout` in ms, for runners that take one. */
  it(name: string, fn: TestFn, timeout?: number): void;
  beforeEach?(fn: TestFn): void;
  afterEach?(fn: TestFn): void;
}

/** One test as {@link collectTests} recorded it; `name` joins the describe blocks and the test with ` > `. */
export interface CollectedTest {
  name: string;
  /** The describe blocks around the test, outermost first. */
  path: string[];
  fn: TestFn;
  timeout: number | undefined;
}

/** The outcome of one collected test. */
export interface TestResult {
  name: string;
  path: string[];
  passed: boolean;
  error?: unknown;
}

/** A runner that only records tests, and runs them on demand. */
export interface CollectingRunner extends Required<TestRunner> {
  readonly tests: CollectedTest[];
  /**
   * Runs the recorded tests one after the other, each inside its `beforeEach` / `afterEach` hooks (outer first,
   * then inner; after-hooks run even when the test failed), and reports each outcome instead of throwing.
   * A test still running after its timeout fails.
   * @param defaultTimeoutMs @default 10_000
   */
  run(defaultTimeoutMs?: number): Promise<TestResult[]>;
}

interface Scope {
  before: TestFn[];
  after: TestFn[];
}

/**
 * Collects the tests a suite registers, so a test can run a whole conformance suite against a deliberately broken
 * implementation and check which groups fail: a suite that cannot fail proves nothing.
 *
 * @example
 * const runner = collectTests();
 * queueConformance({ create: () => brokenQueue() }, runner);
 * const failed = (await runner.run()).filter((r) => !r.passed);
 */
export function collectTests(): CollectingRunner {
  const tests: (CollectedTest & { scopes: Scope[] })[] = [];
  const path: string[] = [];
  const scopes: Scope[] = [{ before: [], after: [] }];
  const current = () => scopes[scopes.length - 1] as Scope;

  return {
    tests,
    describe(name, fn) {
      path.push(name);
      scopes.push({ before: [], after: [] });
      try {
        fn();
      } finally {
        path.pop();
        scopes.pop();
      }
    },
    it(name, fn, timeout) {
      tests.push({ name: [...path, name].join(' > '), path: [...path], fn, timeout, scopes: [...scopes] });
    },
    beforeEach(fn) {
      current().before.push(fn);
    },
    afterEach(fn) {
      current().after.push(fn);
    },
    async run(defaultTimeoutMs = 10_000) {
      const results: TestResult[] = [];
      for (const test of tests) {
        let error: unknown;
        let failed = false;
        const attempt = async (fn: TestFn) => {
          try {
            await withTimeout(fn, test.timeout ?? defaultTimeoutMs, test.name);
          } catch (e) {
            if (!failed) error = e;
            failed = true;
          }
        };
        for (const hook of test.scopes.flatMap((s) => s.before)) if (!failed) await attempt(hook);
        if (!failed) await attempt(test.fn);
        for (const hook of [...test.scopes].reverse().flatMap((s) => s.after)) await attempt(hook);
        results.push({ name: test.name, path: test.path, passed: !failed, ...(failed ? { error } : {}) });
      }
      return results;
    },
  };
}

// Real timers on purpose: the suites run against real backends with real time.
async function withTimeout(fn: TestFn, ms: number, name: string): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`test "${name}" timed out after ${ms} ms`)), ms);
  });
  try {
    await Promise.race([Promise.resolve().then(fn), expired]);
  } finally {
    clearTimeout(timer);
  }
}
