import { fleetVitestConfig } from '../../vitest.shared.js';

export default fleetVitestConfig('example-mail-warmup', { testTimeout: 60_000, fileParallelism: false });
