import { fleetVitestConfig } from '../../vitest.shared.js';

// Each test file starts its own isolated dockerd: one file at a time.
export default fleetVitestConfig('provider-docker', { fileParallelism: false, testTimeout: 30_000 });
