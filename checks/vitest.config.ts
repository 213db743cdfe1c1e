import { fleetVitestConfig } from '../vitest.shared.js';

// Installing tarballs and running snippets are slow, process-heavy checks: one file at a time.
export default fleetVitestConfig('checks', { testTimeout: 300_000, fileParallelism: false });
