import { mergeConfig } from 'vitest/config';
import { fleetVitestConfig } from '../../vitest.shared.js';

export default mergeConfig(fleetVitestConfig('queue-postgres', { fileParallelism: false }), {
  test: { globalSetup: ['test/global-setup.ts'] },
});
