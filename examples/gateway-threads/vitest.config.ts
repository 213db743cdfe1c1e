import { fleetVitestConfig } from '../../vitest.shared.js';

export default fleetVitestConfig('example-gateway-threads', { testTimeout: 60_000, fileParallelism: false });
