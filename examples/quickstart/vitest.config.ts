import { fleetVitestConfig } from '../../vitest.shared.js';

export default fleetVitestConfig('example-quickstart', { testTimeout: 120_000, fileParallelism: false });
