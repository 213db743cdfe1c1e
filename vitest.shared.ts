import { defineConfig } from 'vitest/config';

/**
 * Vitest settings every package shares. When TEST_RESULTS_DIR names a folder (CI), each package also
 * writes a JSON report there, so .ci/run can print one closing line for the whole run.
 */
export function fleetVitestConfig(name: string, overrides: { testTimeout?: number; fileParallelism?: boolean } = {}) {
  const results = process.env.TEST_RESULTS_DIR;
  return defineConfig({
    test: {
      include: ['test/**/*.test.ts'],
      testTimeout: overrides.testTimeout ?? 20_000,
      fileParallelism: overrides.fileParallelism ?? true,
      reporters: results ? ['default', 'json'] : ['default'],
      ...(results ? { outputFile: { json: `${results}/${name}.json` } } : {}),
    },
  });
}
