import { mergeConfig } from 'vitest/config';
import { fleetVitestConfig } from '../../vitest.shared.js';

// One file at a time: the files share one real API server (started once by the global setup) on two cores.
export default mergeConfig(fleetVitestConfig('provider-k8s', { fileParallelism: false, testTimeout: 60_000 }), {
  test: { globalSetup: ['test/support/global-setup.ts'] },
});
