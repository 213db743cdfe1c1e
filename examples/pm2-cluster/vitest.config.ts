import { fleetVitestConfig } from '../../vitest.shared.js';

export default fleetVitestConfig('example-pm2-cluster', { testTimeout: 60_000, fileParallelism: false });
